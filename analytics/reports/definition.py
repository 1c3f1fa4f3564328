"""The report builder's definition (ANALYTICS.md §2): a whitelist per source, validated into a
normalized definition. Nothing user-supplied becomes SQL text: fields and metrics are looked up
in these tables (their SQL is ours), values and metadata keys travel as bound parameters.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mcp_payments.api.errors import InvalidRequest


@dataclass(frozen=True)
class Field:
    sql: str
    kind: str = "text"  # text | time | int


@dataclass(frozen=True)
class Metric:
    sql: str
    money: bool = False


@dataclass(frozen=True)
class Source:
    table: str  # FROM clause (ours)
    merchant: str  # the merchant column
    time_field: str  # the field date_range applies to
    fields: dict[str, Field]
    metrics: dict[str, Metric]
    metadata: str | None = None  # the jsonb column holding reportable metadata


_AMOUNT_BUCKET = (
    "CASE WHEN p.amount < 1000 THEN '0-999' WHEN p.amount < 10000 THEN '1000-9999' "
    "WHEN p.amount < 100000 THEN '10000-99999' ELSE '100000+' END"
)

SOURCES: dict[str, Source] = {
    "payments": Source(
        table="payments_payment p LEFT JOIN payments_paymentmethod m ON m.id = p.payment_method_id",
        merchant="p.merchant_id",
        time_field="created",
        fields={
            "created": Field("p.created", "time"),
            "captured": Field("p.captured_at", "time"),
            "currency": Field("p.currency"),
            "status": Field("p.status"),
            "outcome": Field(
                "CASE WHEN p.captured_at IS NOT NULL THEN 'succeeded' "
                "WHEN p.last_payment_error->>'code' = 'payment_blocked' THEN 'blocked' "
                "WHEN p.last_payment_error IS NOT NULL THEN 'declined' ELSE p.status END"
            ),
            "decline_code": Field("p.last_payment_error->>'decline_code'"),
            "payment_method_type": Field("m.type"),
            "card_brand": Field("m.brand"),
            "capture_method": Field("p.capture_method"),
            "risk_level": Field("p.risk->>'level'"),
            "customer": Field("p.customer_id"),
            "source": Field("p.source"),
            "api_key": Field("p.api_key_id"),
            "amount_bucket": Field(_AMOUNT_BUCKET),
            "amount": Field("p.amount", "int"),
        },
        metrics={
            "count": Metric("count(*)"),
            "amount": Metric("sum(p.amount)", money=True),
            "gross_volume": Metric("sum(p.amount_received)", money=True),
            "fee_amount": Metric("sum(p.fee)", money=True),
            "refunded_amount": Metric("sum(p.amount_refunded)", money=True),
            "net_volume": Metric("sum(p.amount_received - p.fee)", money=True),
        },
        metadata="p.metadata",
    ),
    "refunds": Source(
        table="payments_refund r",
        merchant="r.merchant_id",
        time_field="created",
        fields={
            "created": Field("r.created", "time"),
            "currency": Field("r.currency"),
            "status": Field("r.status"),
            "reason": Field("r.reason"),
            "payment": Field("r.payment_id"),
            "amount": Field("r.amount", "int"),
        },
        metrics={"count": Metric("count(*)"), "amount": Metric("sum(r.amount)", money=True)},
        metadata="r.metadata",
    ),
    "disputes": Source(
        table="payments_dispute d",
        merchant="d.merchant_id",
        time_field="created",
        fields={
            "created": Field("d.created", "time"),
            "closed": Field("d.closed_at", "time"),
            "currency": Field("d.currency"),
            "status": Field("d.status"),
            "reason": Field("d.reason"),
            "payment": Field("d.payment_id"),
            "amount": Field("d.amount", "int"),
        },
        metrics={
            "count": Metric("count(*)"),
            "amount": Metric("sum(d.amount)", money=True),
            "fee_amount": Metric("sum(d.fee)", money=True),
        },
    ),
    "balance_transactions": Source(
        table="wallets_posting b JOIN wallets_journalentry e ON e.id = b.entry_id",
        merchant="e.merchant_id",
        time_field="created",
        fields={
            "created": Field("b.created", "time"),
            "currency": Field("b.currency"),
            "type": Field("e.kind"),
            "direction": Field("b.type"),
            "account": Field("b.account_id"),
            "amount": Field("b.amount", "int"),
        },
        metrics={
            "count": Metric("count(*)"),
            "amount": Metric("sum(b.amount)", money=True),
            "credit_amount": Metric("sum(b.amount) FILTER (WHERE b.amount > 0)", money=True),
            "debit_amount": Metric("sum(-b.amount) FILTER (WHERE b.amount < 0)", money=True),
        },
    ),
    "transfers": Source(
        table="wallets_transfer t",
        merchant="t.merchant_id",
        time_field="created",
        fields={
            "created": Field("t.created", "time"),
            "currency": Field("t.currency"),
            "status": Field("t.status"),
            "source_wallet": Field("t.source_wallet_id"),
            "destination_wallet": Field("t.destination_wallet_id"),
            "amount": Field("t.amount", "int"),
        },
        metrics={
            "count": Metric("count(*)"),
            "amount": Metric("sum(t.amount)", money=True),
            "application_fee_amount": Metric("sum(t.application_fee_amount)", money=True),
        },
        metadata="t.metadata",
    ),
    "payouts": Source(
        table="wallets_payout o",
        merchant="o.merchant_id",
        time_field="created",
        fields={
            "created": Field("o.created", "time"),
            "currency": Field("o.currency"),
            "status": Field("o.status"),
            "failure_code": Field("o.failure_code"),
            "destination": Field("o.destination"),
            "amount": Field("o.amount", "int"),
        },
        metrics={"count": Metric("count(*)"), "amount": Metric("sum(o.amount)", money=True)},
        metadata="o.metadata",
    ),
    "invoices": Source(
        table="billing_invoice i",
        merchant="i.merchant_id",
        time_field="created",
        fields={
            "created": Field("i.created", "time"),
            "paid": Field("i.paid_at", "time"),
            "currency": Field("i.currency"),
            "status": Field("i.status"),
            "billing_reason": Field("i.billing_reason"),
            "collection_method": Field("i.collection_method"),
            "customer": Field("i.customer_id"),
            "subscription": Field("i.subscription_id"),
            "total": Field("i.total", "int"),
        },
        metrics={
            "count": Metric("count(*)"),
            "total": Metric("sum(i.total)", money=True),
            "amount_due": Metric("sum(i.amount_due)", money=True),
            "amount_paid": Metric("sum(i.amount_paid)", money=True),
            "amount_remaining": Metric("sum(i.amount_remaining)", money=True),
        },
        metadata="i.metadata",
    ),
    "subscriptions": Source(
        table="billing_subscription s",
        merchant="s.merchant_id",
        time_field="created",
        fields={
            "created": Field("s.created", "time"),
            "canceled": Field("s.canceled_at", "time"),
            "currency": Field("s.currency"),
            "status": Field("s.status"),
            "interval": Field("s.interval"),
            "collection_method": Field("s.collection_method"),
            "customer": Field("s.customer_id"),
        },
        metrics={"count": Metric("count(*)")},
        metadata="s.metadata",
    ),
}
PENDING_SOURCES: tuple[str, ...] = ()
OPS = ("eq", "neq", "in", "nin", "gte", "gt", "lte", "lt", "between", "is_null")
RELATIVE_RANGES = (
    "today",
    "last_7_days",
    "last_30_days",
    "last_90_days",
    "mtd",
    "qtd",
    "ytd",
    "last_month",
)
INTERVALS = ("hour", "day", "week", "month")
MAX_LIMIT = 100_000
MAX_METADATA_KEYS = 3
_METADATA_KEY = re.compile(r"^metadata\.([A-Za-z0-9_]{1,40})$")
_SCALAR = (str, int, bool)


def _fail(message: str, param: str) -> None:
    raise InvalidRequest(message, param=param)


def _field_name(source: Source, name: Any, param: str) -> str:
    if not isinstance(name, str):
        _fail("A field name must be a string.", param)
    if name in source.fields:
        return name
    if source.metadata and _METADATA_KEY.match(name):
        return name
    _fail(f"Unknown or forbidden field: {str(name)[:60]!r}.", param)
    return ""  # unreachable


def _value(value: Any, kind: str, param: str) -> Any:
    if not isinstance(value, _SCALAR) or (kind == "int" and not isinstance(value, int)):
        _fail("Filter values must be strings or integers.", param)
    if kind == "time":
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            _fail("A time filter value must be an RFC 3339 timestamp.", param)
        return moment.isoformat()
    return value


def _filter(source: Source, index: int, item: Any) -> dict[str, Any]:
    param = f"filters[{index}]"
    if not isinstance(item, dict) or set(item) - {"field", "op", "value"}:
        _fail("A filter is {field, op, value}.", param)
    field = _field_name(source, item.get("field"), f"{param}[field]")
    op = item.get("op")
    if op not in OPS:
        _fail(f"Unknown filter op; one of {', '.join(OPS)}.", f"{param}[op]")
    kind = source.fields[field].kind if field in source.fields else "text"
    value = item.get("value")
    vparam = f"{param}[value]"
    if op == "is_null":
        if not isinstance(value, bool):
            _fail("is_null takes true or false.", vparam)
    elif op in ("in", "nin"):
        if not isinstance(value, list) or not 1 <= len(value) <= 100:
            _fail(f"{op} takes a list of 1 to 100 values.", vparam)
        value = [_value(v, kind, vparam) for v in value]
    elif op == "between":
        if not isinstance(value, list) or len(value) != 2:
            _fail("between takes [low, high].", vparam)
        value = [_value(v, kind, vparam) for v in value]
    else:
        value = _value(value, kind, vparam)
    return {"field": field, "op": op, "value": value}


def _list(definition: dict, key: str, limit: int) -> list:
    value = definition.get(key, [])
    if not isinstance(value, list) or len(value) > limit:
        _fail(f"{key} must be a list of at most {limit} items.", key)
    return value


def definition_validate(definition: Any) -> dict[str, Any]:
    """Validate a report definition against the whitelist and return it normalized. Raises
    InvalidRequest with `param` naming the offending part (e.g. `dimensions`, `filters[0][op]`);
    a money metric without a currency dimension or an `eq` currency filter → `dimensions`."""
    if not isinstance(definition, dict):
        _fail("The definition must be an object.", "definition")
    known = {
        "name",
        "source",
        "metrics",
        "dimensions",
        "filters",
        "date_range",
        "interval",
        "timezone",
        "sort",
        "limit",
    }
    extra = sorted(set(definition) - known)
    if extra:
        _fail(f"Unknown definition key: {extra[0][:60]!r}.", extra[0][:60])
    name = definition.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 200:
        _fail("name is a string of 1 to 200 characters.", "name")
    source_name = definition.get("source")
    if source_name in PENDING_SOURCES:
        _fail(f"The {source_name} source is not available yet.", "source")
    if source_name not in SOURCES:
        _fail(f"Unknown source; one of {', '.join(SOURCES)}.", "source")
    source = SOURCES[source_name]
    metrics = _list(definition, "metrics", 10)
    if not metrics:
        _fail("At least one metric.", "metrics")
    for index, metric in enumerate(metrics):
        if not isinstance(metric, str) or metric not in source.metrics:
            _fail(f"Unknown metric for {source_name}.", f"metrics[{index}]")
    dimensions = [
        _field_name(source, item, f"dimensions[{index}]")
        for index, item in enumerate(_list(definition, "dimensions", 5))
    ]
    if len(set(dimensions)) != len(dimensions):
        _fail("A dimension is named twice.", "dimensions")
    filters = [_filter(source, i, item) for i, item in enumerate(_list(definition, "filters", 20))]
    keys = {
        f for f in [*dimensions, *(item["field"] for item in filters)] if f.startswith("metadata.")
    }
    if len(keys) > MAX_METADATA_KEYS:
        _fail("At most 3 metadata keys per report.", "dimensions")
    money = [m for m in metrics if source.metrics[m].money]
    currency_fixed = any(f["field"] == "currency" and f["op"] == "eq" for f in filters)
    if money and "currency" not in dimensions and not currency_fixed:
        _fail("Money metrics need a currency dimension or a currency eq filter.", "dimensions")
    interval = definition.get("interval")
    if interval is not None and interval not in INTERVALS:
        _fail(f"interval is one of {', '.join(INTERVALS)}.", "interval")
    timezone = definition.get("timezone", "UTC")
    try:
        ZoneInfo(timezone) if isinstance(timezone, str) else _fail("Unknown timezone.", "timezone")
    except (ZoneInfoNotFoundError, ValueError):
        _fail("Unknown timezone.", "timezone")
    sort = []
    for index, item in enumerate(_list(definition, "sort", 5)):
        column = item[1:] if isinstance(item, str) and item.startswith("-") else item
        if column not in (*dimensions, *metrics, *(["period"] if interval else [])):
            _fail("Sort by a chosen dimension, metric or period.", f"sort[{index}]")
        sort.append(item)
    limit = definition.get("limit", 1000)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        _fail(f"limit is 1 to {MAX_LIMIT}.", "limit")
    return {
        "name": name,
        "source": source_name,
        "metrics": metrics,
        "dimensions": dimensions,
        "filters": filters,
        "date_range": _date_range(definition.get("date_range")),
        "interval": interval,
        "timezone": timezone,
        "sort": sort,
        "limit": limit,
    }


def _date_range(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") not in ("absolute", "relative"):
        _fail("date_range is {type: absolute|relative, value}.", "date_range")
    if value["type"] == "relative":
        if value.get("value") not in RELATIVE_RANGES:
            _fail(f"A relative range is one of {', '.join(RELATIVE_RANGES)}.", "date_range")
        return {"type": "relative", "value": value["value"]}
    bounds = value.get("value")
    if not isinstance(bounds, dict) or set(bounds) != {"from", "to"}:
        _fail("An absolute range is {from, to} (dates, to exclusive).", "date_range")
    try:
        start, end = date.fromisoformat(bounds["from"]), date.fromisoformat(bounds["to"])
    except (TypeError, ValueError):
        _fail("An absolute range is {from, to} as YYYY-MM-DD.", "date_range")
    if start >= end:
        _fail("date_range from must be before to.", "date_range")
    return {"type": "absolute", "value": {"from": start.isoformat(), "to": end.isoformat()}}


def date_range_bounds(date_range: dict[str, Any], today: date) -> tuple[date, date]:
    """Local [from, to) days of a normalized date range, relative ones counted from `today`."""
    if date_range["type"] == "absolute":
        bounds = date_range["value"]
        return date.fromisoformat(bounds["from"]), date.fromisoformat(bounds["to"])
    tomorrow = today + timedelta(days=1)
    match date_range["value"]:
        case "today":
            return today, tomorrow
        case "last_7_days" | "last_30_days" | "last_90_days" as name:
            return tomorrow - timedelta(days=int(name.split("_")[1])), tomorrow
        case "mtd":
            return today.replace(day=1), tomorrow
        case "qtd":
            return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), tomorrow
        case "ytd":
            return today.replace(month=1, day=1), tomorrow
    first = today.replace(day=1)  # last_month
    return (first - timedelta(days=1)).replace(day=1), first


def definition_catalog() -> dict[str, Any]:
    """The builder's whitelist as JSON for the dashboard (`scripts/frontend.sh codegen` writes it
    to frontend/src/pages/reports/catalog.json, so client-side validation cannot drift):
    `{sources: {name: {time_field, metadata, fields: {name: kind}, metrics: {name: money}}},
    ops, relative_ranges, intervals, max_limit, max_metadata_keys}`."""
    return {
        "sources": {
            name: {
                "time_field": source.time_field,
                "metadata": source.metadata is not None,
                "fields": {field: spec.kind for field, spec in source.fields.items()},
                "metrics": {metric: spec.money for metric, spec in source.metrics.items()},
            }
            for name, source in SOURCES.items()
            if name not in PENDING_SOURCES
        },
        "ops": list(OPS),
        "relative_ranges": list(RELATIVE_RANGES),
        "intervals": list(INTERVALS),
        "max_limit": MAX_LIMIT,
        "max_metadata_keys": MAX_METADATA_KEYS,
    }
