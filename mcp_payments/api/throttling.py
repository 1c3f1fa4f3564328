"""Fixed-window rate limit per API key or user (per client IP when unauthenticated)."""

import time
from functools import cache

import redis
from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

WINDOW_SECONDS = 60


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


class ActorRateThrottle(BaseThrottle):
    def allow_request(self, request: Request, view) -> bool:
        limit = settings.API_RATE_LIMIT_PER_MINUTE
        context = request.auth
        ident = getattr(context, "rate_limit_key", None) or f"ip:{self.get_ident(request)}"
        now = time.time()
        cache_settings = settings.CACHES["default"]
        window = int(now // WINDOW_SECONDS)
        key = f"{cache_settings.get('KEY_PREFIX', '')}:throttle:{ident}:{window}"
        # INCR then EXPIRE in one round trip: atomic counting, no read-modify-write race.
        pipe = _client(cache_settings["LOCATION"]).pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, WINDOW_SECONDS + 5, nx=True)
        count, _ = pipe.execute()
        self._wait = WINDOW_SECONDS - (now % WINDOW_SECONDS)
        return count <= limit

    def wait(self) -> float:
        return self._wait
