"""MRR, ARR and the monthly MRR movements (ANALYTICS.md §1), from the MRR validity segments
billing writes in each subscription transaction.

Analytics reads MRR only through `payments.billing.selectors.mrr_segments` (an explicit
exception to "analytics learns through events", docs/analytics.md). Per customer c and month m
(local months of the timezone): s = MRR_c at the month's first instant, e = MRR_c at the next
month's first instant; new (s=0<e, never had MRR before), reactivation (s=0<e, had MRR),
expansion (0<s<e), contraction (0<e<s), churn (s>0=e). Identity, per currency and month:
end = start + new + reactivation + expansion - contraction - churn.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from mcp_payments.api.errors import InvalidRequest
from payments.billing.selectors import mrr_segments

from .metrics import rate_bps

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_MONTHS = 36


def _parse_month(value: str | None, param: str, default: date) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(f"{value}-01" if len(value) == 7 else value).replace(day=1)
    except ValueError as exc:
        raise InvalidRequest(f"{param!r} is a month (YYYY-MM).", param=param) from exc


def analytics_mrr(
    *, merchant_id: str, start_month: str | None, end_month: str | None, timezone: str = "UTC"
) -> dict[str, Any]:
    """MRR and ARR now, and the movements of each month from `start_month` to `end_month`
    (YYYY-MM, inclusive; default the last 12 months), per currency, with the SaaS rates."""
    try:
        zone = ZoneInfo(timezone)
    except Exception as exc:
        raise InvalidRequest(f"Unknown timezone: {timezone!r}.", param="timezone") from exc
    today = datetime.now(zone).date().replace(day=1)
    last = _parse_month(end_month, "end_month", today)
    default_first = date(last.year - 1 + (last.month == 12), last.month % 12 + 1, 1)
    first = _parse_month(start_month, "start_month", default_first)
    if first > last:
        raise InvalidRequest("start_month must not be after end_month.", param="start_month")
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        raise InvalidRequest(f"At most {MAX_MONTHS} months.", param="start_month")
    bounds = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        bounds.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    bounds.append(date(year, month, 1))
    instants = [datetime.combine(day, time.min, zone).astimezone(UTC) for day in bounds]
    now = datetime.now(UTC)
    segments = list(
        mrr_segments(merchant=merchant_id, start=EPOCH, end=max(instants[-1], now)).values_list(
            "customer_id", "currency", "mrr", "valid_from", "valid_to"
        )
    )
    months = []
    for index, day in enumerate(bounds[:-1]):
        months.append(
            {
                "month": day.strftime("%Y-%m"),
                "currencies": _movements(segments, instants[index], instants[index + 1]),
            }
        )
    current = _mrr_by_customer(segments, now)
    return {
        "object": "analytics_mrr",
        "timezone": timezone,
        "current": {
            currency: {"mrr": mrr, "arr": mrr * 12, "customers": customers}
            for currency, (mrr, customers) in sorted(_totals(current).items())
        },
        "months": months,
    }


def _mrr_by_customer(segments: list[tuple], moment: datetime) -> dict[tuple[str, str], int]:
    """(currency, customer) -> MRR at `moment`."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for customer, currency, mrr, valid_from, valid_to in segments:
        if valid_from <= moment and (valid_to is None or moment < valid_to):
            out[(currency, customer)] += mrr
    return out


def _totals(mrr: dict[tuple[str, str], int]) -> dict[str, tuple[int, int]]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (currency, _customer), value in mrr.items():
        totals[currency][0] += value
        totals[currency][1] += 1 if value > 0 else 0
    return {currency: (value[0], value[1]) for currency, value in totals.items()}


def _movements(segments: list[tuple], start: datetime, end: datetime) -> dict[str, dict]:
    begin, finish = _mrr_by_customer(segments, start), _mrr_by_customer(segments, end)
    had_before = {
        (currency, customer)
        for customer, currency, mrr, valid_from, _to in segments
        if mrr > 0 and valid_from < start
    }
    rows: dict[str, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(
            (
                "start_mrr",
                "end_mrr",
                "new",
                "reactivation",
                "expansion",
                "contraction",
                "churn",
                "customers_start",
                "customers_end",
                "churned_customers",
            ),
            0,
        )
    )
    for key in set(begin) | set(finish):
        currency = key[0]
        s, e = begin.get(key, 0), finish.get(key, 0)
        row = rows[currency]
        row["start_mrr"] += s
        row["end_mrr"] += e
        row["customers_start"] += 1 if s > 0 else 0
        row["customers_end"] += 1 if e > 0 else 0
        if s == 0 < e:
            row["reactivation" if key in had_before else "new"] += e
        elif 0 < s < e:
            row["expansion"] += e - s
        elif 0 < e < s:
            row["contraction"] += s - e
        elif s > 0 == e:
            row["churn"] += s
            row["churned_customers"] += 1
    return {currency: _rates(row) for currency, row in sorted(rows.items())}


def _rates(row: dict[str, int]) -> dict[str, Any]:
    """The SaaS rates of one month (docs/analytics.md writes each formula)."""
    start, lost = row["start_mrr"], row["churn"] + row["contraction"]
    gained = row["new"] + row["reactivation"] + row["expansion"]
    customer_churn = rate_bps(row["churned_customers"], row["customers_start"])
    arpu = row["end_mrr"] // row["customers_end"] if row["customers_end"] else None
    return {
        **row,
        "customer_churn_rate_bps": customer_churn,
        "gross_mrr_churn_rate_bps": rate_bps(lost, start),
        "net_mrr_churn_rate_bps": rate_bps(lost - row["expansion"], start)
        if lost >= row["expansion"]
        else -rate_bps(row["expansion"] - lost, start)
        if start
        else None,
        "nrr_bps": rate_bps(start + row["expansion"] - lost, start),
        "arpu": arpu,
        "ltv": arpu * 10_000 // customer_churn if arpu is not None and customer_churn else None,
        "quick_ratio_bps": rate_bps(gained, lost),
    }
