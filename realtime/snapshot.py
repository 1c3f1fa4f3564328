"""The dashboard's figures: a snapshot on connect, then the same figures kept current by events.

Per currency, for the current UTC day (docs/api.md "WebSockets" documents each field):
`gross_volume`, `payments_count`, `failed_count`, `success_rate_bps`, `refunds_count`,
`refunds_volume`, `disputes_count`, `disputes_volume`, `payments_last_minute`,
`payments_per_second` (a decimal string; no floats in this API).

The day's totals come from the analytics live counters (`analytics.selectors.counter_totals`,
kept by the analytics subscriber); disputes and the last minute's payments from a bounded read of
the outbox (an id range of today / the last minute, on the events' merchant index). After the
snapshot, `DashboardState.apply` moves the same figures with each event the broadcast subscriber
sends.

Each message also carries `summary`: the `/analytics/summary` metrics of the current UTC day per
currency, computed by the analytics metric code itself (`analytics.metrics.currency_metrics`)
from the rollup totals (snapshot) moved by the rollup subscriber's own event rules
(`analytics.rollups.event_deltas`), so the home tiles and the API never disagree.
"""

from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.db.models.functions import TruncSecond
from django.utils import timezone

from analytics.metrics import Window, currency_metrics, rollup_totals
from analytics.rollups import Deltas, event_deltas
from analytics.selectors import counter_totals, increments_for
from mcp_payments.api.ids import lowest_id_at
from mcp_payments.events.models import Event

RATE_WINDOW = timedelta(minutes=1)
# The counters the day's totals are read from, and the figure each becomes.
COUNTER_FIGURES: dict[str, str] = {
    "payments_volume": "gross_volume",
    "payments_count": "payments_count",
    "payments_failed_count": "failed_count",
    "refunds_count": "refunds_count",
    "refunds_volume": "refunds_volume",
}
DISPUTE_FIGURES = ("disputes_count", "disputes_volume")
TOTALS: tuple[str, ...] = (*COUNTER_FIGURES.values(), *DISPUTE_FIGURES)

Totals = dict[str, int]


def _parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _since(moment: datetime) -> Q:
    """Events created at or after `moment`, by id range first (ids are time-ordered)."""
    return Q(id__gte=lowest_id_at("evt", int(moment.timestamp() * 1000)), created__gte=moment)


def increments(event: dict[str, Any]) -> dict[tuple[str, str], int]:
    """(figure, currency) -> delta of one event: the analytics counters' own rules, plus
    disputes."""
    if event["type"] == "dispute.created":
        obj = event["data"]["object"]
        currency = obj["currency"]
        return {("disputes_count", currency): 1, ("disputes_volume", currency): obj["amount"]}
    return {
        (COUNTER_FIGURES[metric], currency): delta
        for (metric, currency), delta in increments_for(event).items()
        if metric in COUNTER_FIGURES
    }


@dataclass
class DashboardState:
    """The figures of one socket's audience (a merchant, or every merchant) for `day`."""

    day: date
    totals: dict[str, Totals] = field(default_factory=dict)
    # (second, currency, payments) of the last minute's succeeded payments.
    recent: deque[tuple[datetime, str, int]] = field(default_factory=deque)
    # The day's rollup measures per currency ("" = currency-less counts).
    measures: dict[str, dict[str, int]] = field(default_factory=dict)

    def _apply_measures(self, event: dict[str, Any]) -> set[str]:
        """Add the event's rollup deltas that fall on `day` (business time); return the
        currencies whose summary changed."""
        deltas = Deltas()
        event_deltas({**event, "merchant": event.get("merchant") or ""}, deltas)
        changed = set()
        for (_merchant, currency, bucket), values in deltas.rollup.items():
            if bucket.date() != self.day:
                continue
            row = self.measures.setdefault(currency, {})
            for name, delta in values.items():
                row[name] = row.get(name, 0) + delta
            if currency:
                changed.add(currency)
        return changed

    def summary(self, only: list[str]) -> dict[str, Any]:
        """The `/analytics/summary` metrics of `day` for the currencies in `only`."""
        blank = self.measures.get("", {})
        return {
            "currencies": {
                currency: currency_metrics(self.measures.get(currency, {})) for currency in only
            },
            "new_customers": blank.get("new_customers", 0),
            "reviews_opened": blank.get("reviews_opened", 0),
        }

    def apply(self, event: dict[str, Any]) -> set[str]:
        """Move the figures by one event; return the currencies that changed."""
        created = _parse(event["created"])
        if created.date() > self.day:
            # A new UTC day: the day's totals start again.
            self.day, self.totals, self.measures = created.date(), {}, {}
        changed: set[str] = self._apply_measures(event)
        if created.date() == self.day:
            for (figure, currency), delta in increments(event).items():
                currency_totals = self.totals.setdefault(currency, dict.fromkeys(TOTALS, 0))
                currency_totals[figure] += delta
                changed.add(currency)
        if event["type"] == "payment.succeeded":
            currency = event["data"]["object"]["currency"]
            self.recent.append((created, currency, 1))
            changed.add(currency)
        return changed

    def figures(self, currency: str, now: datetime) -> dict[str, Any]:
        totals = self.totals.get(currency) or dict.fromkeys(TOTALS, 0)
        attempts = totals["payments_count"] + totals["failed_count"]
        last_minute = self._last_minute(now).get(currency, 0)
        return {
            **totals,
            "success_rate_bps": (totals["payments_count"] * 10_000 // attempts)
            if attempts
            else None,
            "payments_last_minute": last_minute,
            "payments_per_second": f"{Decimal(last_minute) / 60:.2f}",
        }

    def _last_minute(self, now: datetime) -> dict[str, int]:
        while self.recent and self.recent[0][0] <= now - RATE_WINDOW:
            self.recent.popleft()
        counts: dict[str, int] = {}
        for _, currency, payments in self.recent:
            counts[currency] = counts.get(currency, 0) + payments
        return counts

    def currencies(self, now: datetime) -> list[str]:
        return sorted(set(self.totals) | set(self._last_minute(now)) | (set(self.measures) - {""}))

    def message(
        self, kind: str, *, merchant_id: str | None, now: datetime, only: set[str] | None = None
    ) -> dict[str, Any]:
        """A `snapshot` (every currency) or `delta` (the currencies in `only`) message."""
        currencies = self.currencies(now) if only is None else sorted(only)
        return {
            "type": kind,
            "as_of": _rfc3339(now),
            "day": self.day.isoformat(),
            "merchant": merchant_id,
            "currencies": {currency: self.figures(currency, now) for currency in currencies},
            "summary": self.summary(currencies),
        }


def dashboard_state(*, merchant_id: str | None, now: datetime | None = None) -> DashboardState:
    """Today's figures for one merchant (or every merchant when None). Three bounded queries."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()
    state = DashboardState(day=today)
    merchant = Q(merchant_id=merchant_id) if merchant_id else Q()
    day = Window(_day_start(today), _day_start(today) + timedelta(days=1), "UTC")
    state.measures = rollup_totals(merchant_id=merchant_id or None, window=day)

    counters = counter_totals(merchant_id=merchant_id, day=today, metrics=list(COUNTER_FIGURES))
    for row in counters:
        totals = state.totals.setdefault(row["currency"], dict.fromkeys(TOTALS, 0))
        totals[COUNTER_FIGURES[row["metric"]]] = row["total"]

    disputes = Event.objects.filter(
        merchant, _since(_day_start(today)), type="dispute.created"
    ).values_list("data__object__currency", "data__object__amount")
    for currency, amount in disputes:
        totals = state.totals.setdefault(currency, dict.fromkeys(TOTALS, 0))
        totals["disputes_count"] += 1
        totals["disputes_volume"] += amount

    recent = (
        Event.objects.filter(merchant, _since(now - RATE_WINDOW), type="payment.succeeded")
        .annotate(second=TruncSecond("created"))
        .values("second", currency=KT("data__object__currency"))
        .annotate(payments=Count("id"))
        .order_by("second")
    )
    state.recent.extend((row["second"], row["currency"], row["payments"]) for row in recent)
    return state
