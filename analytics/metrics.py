"""The metric definitions of ANALYTICS.md §1, computed from the rollups (one code path for the
REST endpoints, the WebSocket dashboard deltas and the MCP tools).

Money is per currency, integer minor units; rates are integer basis points rounded half up;
windows are half-open `[start, end)` in the request's timezone. The rollups are maintained live
by the analytics subscriber, so the current (open) bucket is included as it stands.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connection

from mcp_payments.api.errors import InvalidRequest

from .models import (
    BUCKET_MINUTES,
    DIMENSION_MEASURES,
    ROLLUP_MEASURES,
    CustomerDay,
    CustomerDayGap,
    Rollup,
    RollupDay,
)

MAX_WINDOW = timedelta(days=731)
DEFAULT_DAYS = 30
INTERVALS: tuple[str, ...] = ("hour", "day", "week", "month")
GROUP_BY_DIMENSIONS: tuple[str, ...] = (
    "source",
    "api_key",
    "payment_method_type",
    "card_brand",
    "risk_level",
    "decline_code",
)
# Metrics of a currency row, in response order.
CURRENCY_METRICS: tuple[str, ...] = (
    "gross_volume",
    "refunded_amount",
    "dispute_loss_amount",
    "fee_amount",
    "dispute_fee_amount",
    "net_sales",
    "net_volume",
    "successful_payment_count",
    "failed_payment_count",
    "average_payment_size",
    "refund_rate_bps",
    "dispute_rate_bps",
    "authorization_rate_bps",
    "fraud_block_rate_bps",
    "risk_blocked_count",
    "canceled_count",
    "disputes_opened",
    "refund_count",
)
CUSTOMER_METRICS: tuple[str, ...] = ("paying_customers", "spend_per_customer")
# Metrics a timeseries may ask for; those with a dimension rollup may be grouped.
TIMESERIES_METRICS: tuple[str, ...] = (*CURRENCY_METRICS, "new_customers")
GROUPABLE_METRICS: tuple[str, ...] = (
    "gross_volume",
    "fee_amount",
    "successful_payment_count",
    "failed_payment_count",
    "average_payment_size",
)


def timeseries_catalog() -> dict[str, list[str]]:
    """What `/analytics/timeseries` accepts, as JSON for the dashboard (written by
    `scripts/frontend.sh codegen` into frontend/src/pages/reports/catalog.json):
    `{metrics, groupable_metrics, group_by, intervals}`."""
    return {
        "metrics": list(TIMESERIES_METRICS),
        "groupable_metrics": list(GROUPABLE_METRICS),
        "group_by": list(GROUP_BY_DIMENSIONS),
        "intervals": list(INTERVALS),
    }


@dataclass(frozen=True)
class Window:
    """A half-open window [start, end) (UTC instants) and the timezone it was asked in."""

    start: datetime
    end: datetime
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def previous(self) -> "Window":
        """The comparison window: the same length, ending where this one starts."""
        return Window(self.start - (self.end - self.start), self.start, self.timezone)

    def as_dict(self) -> dict[str, str]:
        zone = self.zone
        return {
            "from": self.start.astimezone(zone).isoformat(),
            "to": self.end.astimezone(zone).isoformat(),
            "timezone": self.timezone,
        }


def rate_bps(numerator: int, denominator: int) -> int | None:
    """numerator / denominator in basis points, rounded half up (None when denominator is 0)."""
    if denominator <= 0:
        return None
    return (numerator * 20000 + denominator) // (2 * denominator)


def _zone(name: str | None) -> str:
    name = name or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidRequest(f"Unknown timezone: {name!r}.", param="timezone") from exc
    return name


def _instant(value: str, zone: ZoneInfo, param: str) -> datetime:
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time.min, tzinfo=zone)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidRequest(
            f"{param!r} must be a date (YYYY-MM-DD) or an RFC 3339 timestamp.", param=param
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment


def window_parse(
    *, start: str | None, end: str | None, timezone: str | None, default_days: int = DEFAULT_DAYS
) -> Window:
    """Parse `from`/`to` (dates are local midnights in `timezone`; timestamps must fall on a
    15-minute boundary) into a Window. Default: the last `default_days` local days including
    today. Raises InvalidRequest (param `from`, `to` or `timezone`)."""
    name = _zone(timezone)
    zone = ZoneInfo(name)
    if end:
        stop = _instant(end, zone, "to")
    else:
        tomorrow = datetime.now(zone).date() + timedelta(days=1)
        stop = datetime.combine(tomorrow, time.min, tzinfo=zone)
    begin = (
        _instant(start, zone, "from")
        if start
        else datetime.combine(
            stop.astimezone(zone).date() - timedelta(days=default_days), time.min, tzinfo=zone
        )
    )
    for moment, param in ((begin, "from"), (stop, "to")):
        utc = moment.astimezone(UTC)
        if utc.minute % BUCKET_MINUTES or utc.second or utc.microsecond:
            raise InvalidRequest(f"{param!r} must fall on a 15-minute boundary.", param=param)
    if begin >= stop:
        raise InvalidRequest("'from' must be before 'to'.", param="from")
    if stop - begin > MAX_WINDOW:
        raise InvalidRequest("The window may span at most 731 days.", param="from")
    return Window(begin.astimezone(UTC), stop.astimezone(UTC), name)


def _sums(columns: tuple[str, ...]) -> str:
    return ", ".join(f"coalesce(sum({name}), 0)::bigint" for name in columns)


def _whole_days(window: Window) -> tuple[date, date] | None:
    """The UTC days lying wholly inside the window, as [first, end) dates (None when none)."""
    first = window.start.date()
    if window.start.timetz() != time.min.replace(tzinfo=UTC):
        first += timedelta(days=1)
    end = window.end.date()
    return (first, end) if first < end else None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def rollup_totals(*, merchant_id: str | None, window: Window) -> dict[str, dict[str, int]]:
    """Σ of every rollup measure over the window, per currency ("" = currency-less counts);
    every merchant's summed when `merchant_id` is None (platform staff's dashboard). Whole UTC
    days come from the day totals, the partial days at either edge from the 15-minute buckets:
    one query of at most ~(days + 2 * 96) rows."""
    merchant = "merchant_id = %s AND " if merchant_id is not None else ""
    params = [merchant_id] if merchant_id is not None else []
    columns = ", ".join(ROLLUP_MEASURES)
    buckets = f"SELECT currency, {columns} FROM {Rollup._meta.db_table} WHERE {merchant}"  # noqa: S608
    days = _whole_days(window)
    # (SQL, start, end) of each non-empty part: bucket edges around the whole days.
    ranges = [(f"{buckets}bucket >= %s AND bucket < %s", window.start, window.end)]
    if days is not None:
        day_sql = (
            f"SELECT currency, {columns} FROM {RollupDay._meta.db_table} "  # noqa: S608
            f"WHERE {merchant}day >= %s AND day < %s"
        )
        ranges = [
            (ranges[0][0], window.start, _midnight(days[0])),
            (day_sql, days[0], days[1]),
            (ranges[0][0], _midnight(days[1]), window.end),
        ]
    parts, args = [], []
    for sql, start, end in ranges:
        if start < end:
            parts.append(sql)
            args += [*params, start, end]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT currency, {_sums(ROLLUP_MEASURES)} FROM ("  # noqa: S608
            f"{' UNION ALL '.join(parts)}) AS rows GROUP BY currency",
            args,
        )
        return {
            currency: dict(zip(ROLLUP_MEASURES, values, strict=True))
            for currency, *values in cursor.fetchall()
        }


def paying_customers(*, merchant_id: str, window: Window) -> dict[str, int]:
    """Distinct customers with a succeeded payment in the window, per currency. Those active
    on the window's whole UTC days are counted from the customer gaps (each on their first
    active day of the window); customers of the partial edge days (a payment between the
    edge and the day's end or start) are added when not active on those whole days."""
    days = _whole_days(window)
    customer_days = CustomerDay._meta.db_table
    if days is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT currency, count(*) FROM (SELECT DISTINCT currency, customer_id "  # noqa: S608
                f"FROM {customer_days} WHERE merchant_id = %s AND day >= %s "
                "AND day <= %s AND last_at >= %s AND first_at < %s) AS paying GROUP BY currency",
                [merchant_id, window.start.date(), window.end.date(), window.start, window.end],
            )
            return dict(cursor.fetchall())
    first, end = days
    out: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT currency, sum(customers)::bigint FROM {CustomerDayGap._meta.db_table} "  # noqa: S608
            "WHERE merchant_id = %s AND day >= %s AND day < %s AND prev_day < %s "
            "GROUP BY currency",
            [merchant_id, first, end, first],
        )
        out.update(cursor.fetchall())
        edges, params = [], [merchant_id]
        if window.start < _midnight(first):
            edges.append("(day = %s AND last_at >= %s)")
            params += [window.start.date(), window.start]
        if window.end > _midnight(end):
            edges.append("(day = %s AND first_at < %s)")
            params += [end, window.end]
        if edges:
            cursor.execute(
                "SELECT currency, count(DISTINCT customer_id) "  # noqa: S608
                f"FROM {customer_days} AS edge WHERE merchant_id = %s AND ({' OR '.join(edges)}) "
                f"AND NOT EXISTS (SELECT 1 FROM {customer_days} AS inner_day "
                "WHERE inner_day.merchant_id = edge.merchant_id "
                "AND inner_day.currency = edge.currency "
                "AND inner_day.customer_id = edge.customer_id "
                "AND inner_day.day >= %s AND inner_day.day < %s) GROUP BY currency",
                [*params, first, end],
            )
            for currency, count in cursor.fetchall():
                out[currency] = out.get(currency, 0) + count
    return {currency: count for currency, count in out.items() if count}


def currency_metrics(totals: dict[str, int], paying: int | None = None) -> dict[str, int | None]:
    """The per-currency metrics of ANALYTICS.md §1 from one currency's summed measures."""
    get = totals.get
    gross, count = get("gross_volume", 0), get("successful_payment_count", 0)
    net_sales = gross - get("refunded_amount", 0) - get("dispute_loss_amount", 0)
    authorized, declined = get("authorized_count", 0), get("declined_count", 0)
    blocked = get("risk_blocked_count", 0)
    out: dict[str, int | None] = {
        "gross_volume": gross,
        "refunded_amount": get("refunded_amount", 0),
        "dispute_loss_amount": get("dispute_loss_amount", 0),
        "fee_amount": get("fee_amount", 0),
        "dispute_fee_amount": get("dispute_fee_amount", 0),
        "net_sales": net_sales,
        "net_volume": net_sales - get("fee_amount", 0) - get("dispute_fee_amount", 0),
        "successful_payment_count": count,
        "failed_payment_count": declined,
        "average_payment_size": gross // count if count else None,
        "refund_rate_bps": rate_bps(get("refunded_amount", 0), gross),
        "dispute_rate_bps": rate_bps(get("disputes_opened", 0), count),
        "authorization_rate_bps": rate_bps(authorized, authorized + declined),
        "fraud_block_rate_bps": rate_bps(blocked, authorized + declined + blocked),
        "risk_blocked_count": blocked,
        "canceled_count": get("canceled_count", 0),
        "disputes_opened": get("disputes_opened", 0),
        "refund_count": get("refund_count", 0),
    }
    if paying is not None:
        out["paying_customers"] = paying
        out["spend_per_customer"] = gross // paying if paying else None
    return out


def _merchant_wide(totals: dict[str, dict[str, int]]) -> dict[str, int | None]:
    """Counts that carry no currency: new customers, reviews opened and the review rate."""
    blank = totals.get("", {})
    scored = sum(
        row.get("authorized_count", 0)
        + row.get("declined_count", 0)
        + row.get("risk_blocked_count", 0)
        for row in totals.values()
    )
    return {
        "new_customers": blank.get("new_customers", 0),
        "reviews_opened": blank.get("reviews_opened", 0),
        "attempts_scored": scored,
        "review_rate_bps": rate_bps(blank.get("reviews_opened", 0), scored),
    }


def metrics_for_window(*, merchant_id: str, window: Window) -> dict[str, Any]:
    """Every metric of the window: `{currencies: {cur: {metric: value}}, new_customers,
    reviews_opened, attempts_scored, review_rate_bps}` (currencies sorted)."""
    totals = rollup_totals(merchant_id=merchant_id, window=window)
    paying = paying_customers(merchant_id=merchant_id, window=window)
    currencies = sorted((set(totals) | set(paying)) - {""})
    return {
        "currencies": {
            currency: currency_metrics(totals.get(currency, {}), paying.get(currency, 0))
            for currency in currencies
        },
        **_merchant_wide(totals),
    }


def analytics_summary(*, merchant_id: str, window: Window, compare: bool = True) -> dict[str, Any]:
    """The home tiles (ANALYTICS.md §2): the window's metrics and, with `compare`, those of the
    previous period of the same length."""
    out: dict[str, Any] = {
        "object": "analytics_summary",
        **window.as_dict(),
        **metrics_for_window(merchant_id=merchant_id, window=window),
        "comparison": None,
    }
    if compare:
        previous = window.previous()
        out["comparison"] = {
            **previous.as_dict(),
            **metrics_for_window(merchant_id=merchant_id, window=previous),
        }
    return out


def _periods(window: Window, interval: str) -> list[datetime]:
    """Local period starts covering the window (naive local datetimes, as date_trunc gives)."""
    zone = window.zone
    local = window.start.astimezone(zone).replace(tzinfo=None)
    end = window.end.astimezone(zone).replace(tzinfo=None)
    match interval:
        case "hour":
            current, step = local.replace(minute=0, second=0, microsecond=0), "hour"
        case "day":
            current, step = local.replace(hour=0, minute=0, second=0, microsecond=0), "day"
        case "week":
            day = local.replace(hour=0, minute=0, second=0, microsecond=0)
            current, step = day - timedelta(days=day.weekday()), "week"
        case _:
            current, step = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0), "m"
    out = []
    while current < end:
        out.append(current)
        if step == "hour":
            current += timedelta(hours=1)
        elif step == "day":
            current += timedelta(days=1)
        elif step == "week":
            current += timedelta(days=7)
        else:
            current = current.replace(
                year=current.year + current.month // 12, month=current.month % 12 + 1
            )
    return out


def analytics_timeseries(
    *, merchant_id: str, metric: str, interval: str, window: Window, group_by: str | None = None
) -> dict[str, Any]:
    """Points of `metric` per local `interval` period (and currency, and group when grouped):
    `{object: analytics_timeseries, metric, interval, from, to, timezone, group_by, points:
    [{start, currency, group?, value}]}`; periods without data are 0 (null for averages and
    rates). Raises InvalidRequest for an unknown metric/interval/group_by."""
    if metric not in TIMESERIES_METRICS:
        raise InvalidRequest(f"Unknown metric: {metric!r}.", param="metric")
    if interval not in INTERVALS:
        raise InvalidRequest(f"Unknown interval: {interval!r}.", param="interval")
    if group_by is not None and group_by not in GROUP_BY_DIMENSIONS:
        raise InvalidRequest(f"Unknown group_by: {group_by!r}.", param="group_by")
    if group_by is not None and metric not in GROUPABLE_METRICS:
        raise InvalidRequest(f"{metric!r} cannot be grouped.", param="group_by")
    rows = _period_totals(merchant_id, window, interval, group_by)
    zone = window.zone
    series: dict[tuple[str, str | None], dict[datetime, dict[str, int]]] = {}
    for period, currency, group, totals in rows:
        series.setdefault((currency, group), {})[period] = totals
    if metric == "new_customers":
        series = {key: value for key, value in series.items() if key[0] == ""} or {("", None): {}}
    else:
        series = {key: value for key, value in series.items() if key[0] != ""}
    points = []
    for (currency, group), by_period in sorted(
        series.items(), key=lambda item: (item[0][0], item[0][1] or "")
    ):
        for period in _periods(window, interval):
            totals = by_period.get(period, {})
            value = (
                totals.get("new_customers", 0)
                if metric == "new_customers"
                else currency_metrics(totals)[metric]
            )
            point: dict[str, Any] = {
                "start": period.replace(tzinfo=zone).isoformat(),
                "currency": currency or None,
                "value": value,
            }
            if group_by is not None:
                point["group"] = group
            points.append(point)
    return {
        "object": "analytics_timeseries",
        "metric": metric,
        "interval": interval,
        "group_by": group_by,
        **window.as_dict(),
        "points": points,
    }


def _period_totals(
    merchant_id: str, window: Window, interval: str, group_by: str | None
) -> list[tuple[datetime, str, str | None, dict[str, int]]]:
    if group_by is None and _day_aligned(window, interval):
        return _day_period_totals(merchant_id, window, interval)
    if group_by is None:
        table, measures, extra, where = Rollup._meta.db_table, ROLLUP_MEASURES, "NULL", ""
        params: list[Any] = []
    else:
        table, measures, extra = "analytics_dimensionrollup", DIMENSION_MEASURES, "value"
        where, params = "AND dimension = %s", [group_by]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT date_trunc(%s, bucket AT TIME ZONE %s) AS period, currency, {extra}, "  # noqa: S608
            f"{_sums(measures)} FROM {table} "
            f"WHERE merchant_id = %s AND bucket >= %s AND bucket < %s {where} "
            "GROUP BY 1, 2, 3",
            [interval, window.timezone, merchant_id, window.start, window.end, *params],
        )
        return [
            (period, currency, group, dict(zip(measures, values, strict=True)))
            for period, currency, group, *values in cursor.fetchall()
        ]


def _day_aligned(window: Window, interval: str) -> bool:
    """Whether every period is a run of whole UTC days: a day/week/month series over a window
    of whole UTC days in a zone at UTC+0 at each of its midnights (UTC itself, Europe/London in
    winter…)."""
    if interval == "hour" or _whole_days(window) != (window.start.date(), window.end.date()):
        return False
    zone, moment = window.zone, window.start
    while moment <= window.end:
        if moment.astimezone(zone).utcoffset():
            return False
        moment += timedelta(days=1)
    return True


def _day_period_totals(
    merchant_id: str, window: Window, interval: str
) -> list[tuple[datetime, str, str | None, dict[str, int]]]:
    """_period_totals from the UTC-day totals (one row per day instead of 96)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT date_trunc(%s, day::timestamp) AS period, currency, "  # noqa: S608
            f"{_sums(ROLLUP_MEASURES)} FROM {RollupDay._meta.db_table} "
            "WHERE merchant_id = %s AND day >= %s AND day < %s GROUP BY 1, 2",
            [interval, merchant_id, window.start.date(), window.end.date()],
        )
        return [
            (period, currency, None, dict(zip(ROLLUP_MEASURES, values, strict=True)))
            for period, currency, *values in cursor.fetchall()
        ]
