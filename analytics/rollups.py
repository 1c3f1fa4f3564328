"""Incremental rollups (ANALYTICS.md §3): events → additive deltas → one upsert per table.

Each event moves measures of one 15-minute bucket of *business time* (capture time, refund time,
dispute close time…), so a late or redelivered-out-of-order event lands in the right bucket and
the sum does not depend on the order. Exactly once comes from the subscriber's processed-event
rows, written in the same transaction (`mcp_payments.events.processing.deliver_batch`).

Buckets are 15 minutes (not an hour) so every real timezone's midnight — including half-hour and
45-minute offsets (Asia/Kolkata, Asia/Kathmandu) — is a bucket boundary: any day window in any
timezone is an exact sum of buckets.
"""

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection

from .models import (
    BUCKET_MINUTES,
    DIMENSION_MEASURES,
    NO_PREVIOUS_DAY,
    ROLLUP_MEASURES,
    CustomerDay,
    CustomerDayGap,
    DimensionRollup,
    Rollup,
    RollupDay,
)

# (merchant, currency, bucket) -> measure -> delta
RollupDeltas = dict[tuple[str, str, datetime], dict[str, int]]
# (merchant, currency, bucket, dimension, value) -> measure -> delta
DimensionDeltas = dict[tuple[str, str, datetime, str, str], dict[str, int]]
# (merchant, currency, day, customer) -> [first_at, last_at, payment_count, gross_volume]
CustomerDeltas = dict[tuple[str, str, date, str], list[Any]]

ROLLUP_EVENT_TYPES: tuple[str, ...] = (
    "payment.succeeded",
    "payment.failed",
    "payment.amount_capturable_updated",
    "payment.canceled",
    "refund.succeeded",
    "dispute.created",
    "dispute.closed",
    "customer.created",
    "risk.review_opened",
)
PAYMENT_DIMENSIONS: tuple[str, ...] = (
    "source",
    "api_key",
    "payment_method_type",
    "card_brand",
    "risk_level",
)
BLOCK_CODE = "payment_blocked"


def parse_time(value: str) -> datetime:
    """An RFC 3339 timestamp of an event or representation (`Z` suffix) as an aware datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def bucket_of(moment: datetime) -> datetime:
    """The start of the 15-minute bucket holding `moment` (UTC)."""
    moment = moment.astimezone(UTC)
    return moment.replace(
        minute=moment.minute - moment.minute % BUCKET_MINUTES, second=0, microsecond=0
    )


def payment_dimensions(payment: dict[str, Any]) -> dict[str, str]:
    """The dimension values of a payment representation (absent ones left out)."""
    details = payment.get("payment_method_details") or {}
    card = details.get("card") or {}
    values = {
        "source": payment.get("source"),
        "api_key": payment.get("api_key"),
        "payment_method_type": details.get("type"),
        "card_brand": card.get("brand"),
        "risk_level": (payment.get("risk") or {}).get("level"),
    }
    return {name: value for name, value in values.items() if value}


class Deltas:
    """The deltas of a batch of events, aggregated per key (one row per key per table)."""

    def __init__(self) -> None:
        self.rollup: RollupDeltas = defaultdict(lambda: defaultdict(int))
        self.dimension: DimensionDeltas = defaultdict(lambda: defaultdict(int))
        self.customer: CustomerDeltas = {}

    def add(self, merchant: str, currency: str, moment: datetime, **measures: int) -> None:
        row = self.rollup[(merchant, currency, bucket_of(moment))]
        for name, delta in measures.items():
            row[name] += delta

    def add_dimensions(
        self,
        merchant: str,
        currency: str,
        moment: datetime,
        dims: dict[str, str] | list[tuple[str, str]],
        **measures: int,
    ) -> None:
        bucket = bucket_of(moment)
        pairs = list(dims.items()) if isinstance(dims, dict) else dims
        for dimension, value in pairs:
            row = self.dimension[(merchant, currency, bucket, dimension, value)]
            for name, delta in measures.items():
                row[name] += delta

    def add_customer(
        self, merchant: str, currency: str, customer: str, moment: datetime, amount: int
    ) -> None:
        key = (merchant, currency, moment.astimezone(UTC).date(), customer)
        row = self.customer.get(key)
        if row is None:
            self.customer[key] = [moment, moment, 1, amount]
        else:
            row[0], row[1] = min(row[0], moment), max(row[1], moment)
            row[2] += 1
            row[3] += amount


def event_deltas(event: dict[str, Any], deltas: Deltas) -> None:
    """Add one event's effect to `deltas` (types outside ROLLUP_EVENT_TYPES add nothing)."""
    merchant = event.get("merchant")
    if merchant is None:
        return
    obj = event["data"]["object"]
    at = parse_time(event["created"])
    match event["type"]:
        case "payment.succeeded":
            _payment_succeeded(merchant, obj, at, deltas)
        case "payment.amount_capturable_updated":
            deltas.add(merchant, obj["currency"], at, authorized_count=1)
        case "payment.failed":
            dims = payment_dimensions(obj)
            error = obj.get("last_payment_error") or {}
            if error.get("code") == BLOCK_CODE:
                deltas.add(merchant, obj["currency"], at, risk_blocked_count=1)
                deltas.add_dimensions(
                    merchant, obj["currency"], at, _rule_dims(obj), risk_blocked_count=1
                )
                return
            deltas.add(merchant, obj["currency"], at, declined_count=1)
            if error.get("decline_code"):
                dims["decline_code"] = error["decline_code"]
            deltas.add_dimensions(merchant, obj["currency"], at, dims, declined_count=1)
            deltas.add_dimensions(merchant, obj["currency"], at, _rule_dims(obj), declined_count=1)
        case "payment.canceled":
            deltas.add(merchant, obj["currency"], at, canceled_count=1)
        case "refund.succeeded":
            refunded = parse_time(obj["created"]) if obj.get("created") else at
            deltas.add(merchant, obj["currency"], refunded, refunded_amount=obj["amount"])
            deltas.add(merchant, obj["currency"], refunded, refund_count=1)
        case "dispute.created":  # the dispute fee is charged when the dispute opens
            opened = parse_time(obj["created"]) if obj.get("created") else at
            deltas.add(
                merchant,
                obj["currency"],
                opened,
                disputes_opened=1,
                dispute_fee_amount=obj.get("fee", 0),
            )
            if obj.get("reason"):
                reason = {"dispute_reason": obj["reason"]}
                deltas.add_dimensions(merchant, obj["currency"], opened, reason, disputes_opened=1)
        case "dispute.closed":
            if obj.get("status") == "lost" and obj.get("closed_at"):
                closed = parse_time(obj["closed_at"])
                deltas.add(merchant, obj["currency"], closed, dispute_loss_amount=obj["amount"])
        case "customer.created":
            created = parse_time(obj["created"]) if obj.get("created") else at
            deltas.add(merchant, "", created, new_customers=1)
        case "risk.review_opened":
            # A review carries no currency: it counts in the currency-less row.
            deltas.add(merchant, "", at, reviews_opened=1)


def _payment_succeeded(merchant: str, obj: dict[str, Any], at: datetime, deltas: Deltas) -> None:
    captured = parse_time(obj["captured_at"]) if obj.get("captured_at") else at
    currency, amount = obj["currency"], obj.get("amount_received", obj.get("amount", 0))
    measures = {
        "gross_volume": amount,
        "successful_payment_count": 1,
        "fee_amount": obj.get("fee", 0),
    }
    deltas.add(merchant, currency, captured, **measures)
    if obj.get("capture_method") == "automatic":
        deltas.add(merchant, currency, at, authorized_count=1)
    deltas.add_dimensions(merchant, currency, captured, payment_dimensions(obj), **measures)
    deltas.add_dimensions(merchant, currency, captured, _rule_dims(obj), successful_payment_count=1)
    if obj.get("customer"):
        deltas.add_customer(merchant, currency, obj["customer"], captured, amount)


def _rule_dims(payment: dict[str, Any]) -> list[tuple[str, str]]:
    """One `risk_rule` pair per rule the payment's risk assessment triggered."""
    return [
        ("risk_rule", rule) for rule in sorted(set((payment.get("risk") or {}).get("rules", [])))
    ]


def rollups_ingest_events(*, events: list[dict[str, Any]]) -> Deltas:
    """Fold a batch of events into the rollups: one upsert per table, keys sorted (concurrent
    batches lock rows in the same order). Building block: runs in the caller's transaction
    (the subscriber's, with its processed-event rows). Returns the deltas applied."""
    deltas = Deltas()
    for event in events:
        event_deltas(event, deltas)
    rollups_apply(deltas)
    return deltas


def rollups_apply(deltas: Deltas) -> None:
    """Write `deltas`: `INSERT … ON CONFLICT DO UPDATE SET x = x + EXCLUDED.x` per table (the
    15-minute rollup, its UTC-day totals, the dimension rollup, the customer days and their
    gaps)."""
    _upsert(
        Rollup._meta.db_table,
        ("merchant_id", "currency", "bucket"),
        ("text", "text", "timestamptz"),
        ROLLUP_MEASURES,
        deltas.rollup,
    )
    _upsert(
        RollupDay._meta.db_table,
        ("merchant_id", "currency", "day"),
        ("text", "text", "date"),
        ROLLUP_MEASURES,
        _by_day(deltas.rollup),
    )
    _upsert(
        DimensionRollup._meta.db_table,
        ("merchant_id", "currency", "bucket", "dimension", "value"),
        ("text", "text", "timestamptz", "text", "text"),
        DIMENSION_MEASURES,
        deltas.dimension,
    )
    _upsert_customers(deltas.customer)


def _by_day(rows: RollupDeltas) -> dict[tuple[str, str, date], dict[str, int]]:
    """The bucket deltas summed per UTC day (buckets are UTC, so a bucket lies in one day)."""
    days: dict[tuple[str, str, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (merchant, currency, bucket), measures in rows.items():
        row = days[(merchant, currency, bucket.date())]
        for name, delta in measures.items():
            row[name] += delta
    return days


def _rows_json(rows: list[tuple]) -> str:
    """A batch's rows as one JSON parameter (dates and datetimes as ISO text): one string to
    send instead of an array per column, whose per-element adaptation dominated ingest."""
    return json.dumps(rows, default=str, separators=(",", ":"))


def _from_json(types: tuple[str, ...]) -> str:
    """SELECT list and source reading the rows of `_rows_json` with the given SQL types."""
    columns = ", ".join(f"(r->>{index})::{kind}" for index, kind in enumerate(types))
    return f"SELECT {columns} FROM json_array_elements(%s::json) AS r"  # noqa: S608


def _upsert(
    table: str,
    keys: tuple[str, ...],
    key_types: tuple[str, ...],
    measures: tuple[str, ...],
    rows: dict[tuple, dict[str, int]],
) -> None:
    if not rows:
        return
    columns = (*keys, *measures)
    # One JSON parameter: the statement text does not grow with the batch. Keys sorted.
    values = [(*key, *(rows[key].get(name, 0) for name in measures)) for key in sorted(rows)]
    types = (*key_types, *(["bigint"] * len(measures)))
    updates = ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in measures)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"{_from_json(types)} "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}",
            [_rows_json(values)],
        )


_CUSTOMER_TYPES = ("text", "text", "date", "text", "timestamptz", "timestamptz", "bigint", "bigint")


def _upsert_customers(rows: CustomerDeltas) -> None:
    if not rows:
        return
    table = CustomerDay._meta.db_table
    values = [(*key, *rows[key]) for key in sorted(rows)]
    with connection.cursor() as cursor:
        # The gaps read other batches' customer days: concurrent batches of one merchant take
        # turns from here to commit (after their rollup row locks, in merchant order).
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended('analytics.customer_day:' || m, 0)) "
            "FROM (SELECT DISTINCT unnest(%s::text[]) AS m ORDER BY 1) AS merchants",
            [sorted({key[0] for key in rows})],
        )
        cursor.execute(
            f"INSERT INTO {table} (merchant_id, currency, day, customer_id, first_at, "
            f"last_at, payment_count, gross_volume) {_from_json(_CUSTOMER_TYPES)} "
            "ON CONFLICT (merchant_id, currency, day, customer_id) DO UPDATE SET "
            f"first_at = LEAST({table}.first_at, EXCLUDED.first_at), "
            f"last_at = GREATEST({table}.last_at, EXCLUDED.last_at), "
            f"payment_count = {table}.payment_count + EXCLUDED.payment_count, "
            f"gross_volume = {table}.gross_volume + EXCLUDED.gross_volume "
            # xmax = 0: the row was inserted, not updated — a customer's new active day.
            "RETURNING merchant_id, currency, customer_id, day, xmax = 0",
            [_rows_json(values)],
        )
        added = [row[:4] for row in cursor.fetchall() if row[4]]
        if added:
            cursor.execute(
                _GAPS_SQL,
                {
                    "merchants": [row[0] for row in added],
                    "currencies": [row[1] for row in added],
                    "customers": [row[2] for row in added],
                    "days": [row[3] for row in added],
                    "none": NO_PREVIOUS_DAY,
                },
            )


# The CustomerDayGap deltas of a batch's new customer days `fresh` (already inserted): each
# new day counts once after the customer's previous day; the old day right after a new one
# moves from its old previous day (old rows only) to its new one (all rows). Any batching and
# order of the same days gives the same gaps.
_SAME = (
    "c.merchant_id = {t}.merchant_id AND c.currency = {t}.currency "
    "AND c.customer_id = {t}.customer_id"
)
_GAPS_SQL = f"""
    WITH fresh AS (
        SELECT * FROM unnest(%(merchants)s::text[], %(currencies)s::text[],
                             %(customers)s::text[], %(days)s::date[])
            AS f(merchant_id, currency, customer_id, day)
    ), followers AS (
        SELECT DISTINCT f.merchant_id, f.currency, f.customer_id, n.day
        FROM fresh f CROSS JOIN LATERAL (
            SELECT min(c.day) AS day FROM {CustomerDay._meta.db_table} c
            WHERE {_SAME.format(t="f")} AND c.day > f.day
        ) AS n
        WHERE n.day IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM fresh g WHERE g.merchant_id = f.merchant_id
            AND g.currency = f.currency AND g.customer_id = f.customer_id AND g.day = n.day)
    ), deltas AS (
        SELECT f.merchant_id, f.currency, f.day, coalesce((
            SELECT max(c.day) FROM {CustomerDay._meta.db_table} c
            WHERE {_SAME.format(t="f")} AND c.day < f.day), %(none)s) AS prev_day, 1 AS delta
        FROM fresh f
        UNION ALL
        SELECT o.merchant_id, o.currency, o.day, coalesce((
            SELECT max(c.day) FROM {CustomerDay._meta.db_table} c
            WHERE {_SAME.format(t="o")} AND c.day < o.day AND NOT EXISTS (
                SELECT 1 FROM fresh g WHERE g.merchant_id = c.merchant_id
                AND g.currency = c.currency AND g.customer_id = c.customer_id
                AND g.day = c.day)), %(none)s), -1
        FROM followers o
        UNION ALL
        SELECT o.merchant_id, o.currency, o.day, coalesce((
            SELECT max(c.day) FROM {CustomerDay._meta.db_table} c
            WHERE {_SAME.format(t="o")} AND c.day < o.day), %(none)s), 1
        FROM followers o
    )
    INSERT INTO {CustomerDayGap._meta.db_table} AS gap
        (merchant_id, day, currency, prev_day, customers)
    SELECT merchant_id, day, currency, prev_day, sum(delta) FROM deltas
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (merchant_id, day, currency, prev_day)
    DO UPDATE SET customers = gap.customers + EXCLUDED.customers
"""  # noqa: S608 (identifiers are ours)


def bucket_range(start: datetime, end: datetime) -> list[datetime]:
    """Every bucket start in [start, end)."""
    step = timedelta(minutes=BUCKET_MINUTES)
    current, out = bucket_of(start), []
    while current < end:
        out.append(current)
        current += step
    return out
