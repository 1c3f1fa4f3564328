"""Live counters: one upsert per event, in the subscriber's transaction."""

from datetime import date, datetime
from typing import Any

from django.db import connection

from .models import DailyCounter

# Which metrics an event moves, and by how much.
Increments = dict[tuple[str, str], int]  # (metric, currency) -> delta


def increments_for(event: dict[str, Any]) -> Increments:
    """The counter deltas of one event (empty for types the counters ignore)."""
    obj = event["data"]["object"]
    match event["type"]:
        case "payment.succeeded":
            currency = obj["currency"]
            amount = obj.get("amount_received") or obj["amount"]
            return {("payments_count", currency): 1, ("payments_volume", currency): amount}
        case "payment.failed":
            return {("payments_failed_count", obj["currency"]): 1}
        case "refund.succeeded":
            currency = obj["currency"]
            return {("refunds_count", currency): 1, ("refunds_volume", currency): obj["amount"]}
        case "customer.created":
            return {("customers_created", ""): 1}
    return {}


def event_day(event: dict[str, Any]) -> date:
    return datetime.fromisoformat(event["created"].replace("Z", "+00:00")).date()


def counters_increment(*, merchant_id: str, day: date, increments: Increments) -> None:
    """Add `increments` to the merchant's counters of `day` in one statement. Building block:
    runs in the caller's transaction (the subscriber's, with its processed-event row)."""
    _upsert(
        {
            (merchant_id, day, metric, currency): delta
            for (metric, currency), delta in increments.items()
        }
    )


def _upsert(deltas: dict[tuple[str, date, str, str], int]) -> None:
    """One INSERT ... ON CONFLICT DO UPDATE adding each (merchant, day, metric, currency) delta;
    rows are sorted so concurrent upserts lock them in the same order (no deadlock)."""
    if not deltas:
        return
    table = DailyCounter._meta.db_table
    rows = ", ".join(["(%s, %s::date, %s, %s, %s::bigint)"] * len(deltas))
    params: list[Any] = []
    for (merchant_id, day, metric, currency), delta in sorted(deltas.items()):
        params += [merchant_id, day, currency, metric, delta]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (merchant_id, day, currency, metric, value) "  # noqa: S608
            f"VALUES {rows} ON CONFLICT (merchant_id, day, currency, metric) "
            f"DO UPDATE SET value = {table}.value + EXCLUDED.value",
            params,
        )


def counters_ingest_events(*, events: list[dict[str, Any]]) -> None:
    """Apply events to the live counters in one statement (events without a merchant are
    skipped). Building block: runs in the subscriber's transaction."""
    deltas: dict[tuple[str, date, str, str], int] = {}
    for event in events:
        if event.get("merchant") is None:
            continue
        day = event_day(event)
        for (metric, currency), delta in increments_for(event).items():
            key = (event["merchant"], day, metric, currency)
            deltas[key] = deltas.get(key, 0) + delta
    _upsert(deltas)
