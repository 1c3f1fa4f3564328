from datetime import date

from django.db.models import Sum

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.events.models import Event, ProcessedEvent

from .models import DailyCounter
from .services import event_day, increments_for

__all__ = ["counter_totals", "counter_value", "counters_drift", "increments_for"]


def counter_totals(*, merchant_id: str | None, day: date, metrics: list[str]) -> list[dict]:
    """The live counters of `day` summed per (currency, metric), for one merchant or every
    merchant (None); currency-less counters are left out. Rows: `{currency, metric, total}`
    (totals in minor units or counts). One query; reads only."""
    rows = DailyCounter.objects.filter(day=day, metric__in=metrics).exclude(currency="")
    if merchant_id:
        rows = rows.filter(merchant_id=merchant_id)
    return list(rows.values("currency", "metric").annotate(total=Sum("value")))


def counter_value(*, merchant_id: str, day: date, metric: str, currency: str = "") -> int:
    row = DailyCounter.objects.filter(
        merchant_id=merchant_id, day=day, metric=metric, currency=currency
    ).first()
    return row.value if row is not None else 0


def counters_drift(*, day: date, subscriber: str) -> list[dict]:
    """Counters of `day` that differ from replaying the events `subscriber` processed (empty
    when the live counters are exact)."""
    processed = ProcessedEvent.objects.filter(subscriber=subscriber).values("event_id")
    expected: dict[tuple[str, str, str], int] = {}
    events = Event.objects.filter(id__in=processed, created__date=day).exclude(merchant=None)
    for event in events.values("type", "merchant_id", "data", "created").iterator():
        payload = {
            "type": event["type"],
            "merchant": event["merchant_id"],
            "data": event["data"],
            "created": event["created"].isoformat(),
        }
        if event_day(payload) != day:
            continue
        for (metric, currency), delta in increments_for(payload).items():
            key = (event["merchant_id"], metric, currency)
            expected[key] = expected.get(key, 0) + delta
    actual = {
        (row["merchant_id"], row["metric"], row["currency"]): row["total"]
        for row in DailyCounter.objects.filter(day=day)
        .values("merchant_id", "metric", "currency")
        .annotate(total=Sum("value"))
    }
    return [
        {
            "merchant_id": merchant_id,
            "metric": metric,
            "currency": currency,
            "expected": expected.get((merchant_id, metric, currency), 0),
            "actual": actual.get((merchant_id, metric, currency), 0),
        }
        for merchant_id, metric, currency in sorted(set(expected) | set(actual))
        if expected.get((merchant_id, metric, currency), 0)
        != actual.get((merchant_id, metric, currency), 0)
    ]


def merchant_id_of(context: AuthContext) -> str:
    """The merchant analytics answers for; platform staff must name one (MerchantRequired)."""
    if context.merchant is None:
        raise MerchantRequired()
    return context.merchant.id
