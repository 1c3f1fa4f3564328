"""Fixed-window rate limit per API key or user (per client IP when unauthenticated)."""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

WINDOW_SECONDS = 60


class ActorRateThrottle(BaseThrottle):
    def allow_request(self, request: Request, view) -> bool:
        limit = settings.API_RATE_LIMIT_PER_MINUTE
        context = request.auth
        ident = getattr(context, "rate_limit_key", None) or f"ip:{self.get_ident(request)}"
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"throttle:{ident}:{window}"
        # add() then incr() is atomic in Redis: no read-modify-write race between workers.
        cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
        count = cache.incr(key)
        self._wait = WINDOW_SECONDS - (now % WINDOW_SECONDS)
        return count <= limit

    def wait(self) -> float:
        return self._wait
