"""A test-only subscriber the integration tests' processes load (EVENTS_SUBSCRIBER_MODULES).

`tests.flaky` (domain realtime, customer.created) raises for the merchant named in a Redis
flag and counts its failures there; otherwise its effect is the `flaky_processed` counter of the
event's merchant, written in the subscriber's transaction.
"""

from typing import Any

import redis
from django.conf import settings

from analytics.services import counters_increment, event_day
from mcp_payments.events.subscribers import subscriber

NAME = "tests.flaky"


def flag_key() -> str:
    return f"tests:{settings.EVENTS_QUEUE_PREFIX}flaky"


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)


@subscriber("realtime", "customer.created", name=NAME)
def flaky(event: dict[str, Any]) -> None:
    client = redis_client()
    try:
        failing_merchant = client.get(flag_key())
        if failing_merchant is not None and failing_merchant.decode() == event["merchant"]:
            client.incr(f"{flag_key()}:failures")
            raise RuntimeError("the flaky subscriber is switched off")
    finally:
        client.close()
    counters_increment(
        merchant_id=event["merchant"],
        day=event_day(event),
        increments={("flaky_processed", ""): 1},
    )
