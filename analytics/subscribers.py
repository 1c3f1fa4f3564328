"""Analytics learns about other apps through events only."""

from typing import Any

from mcp_payments.events.subscribers import subscriber

from .rollups import ROLLUP_EVENT_TYPES, rollups_ingest_events
from .services import counters_ingest_events

LIVE_COUNTERS = "analytics.live_counters"
ROLLUPS = "analytics.rollups"


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


@subscriber("analytics", *ROLLUP_EVENT_TYPES, name=ROLLUPS, batch=True)
def rollups(events: list[dict[str, Any]]) -> None:
    """Fold a consumer batch into the rollups: one upsert per table, same transaction as the
    batch's processed-event rows."""
    rollups_ingest_events(events=events)
