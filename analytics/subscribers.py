"""Analytics learns about other apps through events only."""

from typing import Any

from mcp_payments.events.subscribers import subscriber

from .services import counters_ingest_events

LIVE_COUNTERS = "analytics.live_counters"


@subscriber(
    "analytics",
    "payment.succeeded",
    "payment.failed",
    "refund.succeeded",
    "customer.created",
    name=LIVE_COUNTERS,
    batch=True,
)
def live_counters(events: list[dict[str, Any]]) -> None:
    counters_ingest_events(events=events)
