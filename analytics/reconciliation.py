# ruff: noqa: S608  (SQL text here is ours: fixed templates, no user input)
"""Rollups recomputed from the source tables: the nightly drift check and `analytics_rebuild`.

The one place analytics reads other apps' tables (read-only, set-based SQL; docs/analytics.md
lists it as an explicit exception to "analytics learns through events"): money measures come from
payments, refunds, disputes and customers rows; attempt counts (authorizations, declines, risk
blocks, cancellations, reviews) have no row of their own and come from the event outbox, the
kernel every app may read. The business time of each measure is the one the subscriber uses.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction

from .models import (
    DIMENSION_MEASURES,
    NO_PREVIOUS_DAY,
    ROLLUP_MEASURES,
    CustomerDay,
    CustomerDayGap,
    DimensionRollup,
    DriftReport,
    Rollup,
    RollupDay,
)

_BUCKET = "date_bin('15 minutes', {ts}, TIMESTAMPTZ '2000-01-01 00:00:00+00')"


def _b(column: str) -> str:
    return _BUCKET.format(ts=column)


# Each branch yields (merchant_id, currency, bucket, measure, value).
_SOURCE_BRANCHES = f"""
    SELECT merchant_id, currency, {_b("captured_at")} AS bucket,
           sum(amount_received) AS gross_volume, count(*) AS successful_payment_count,
           sum(fee) AS fee_amount
    FROM payments_payment WHERE captured_at >= %(start)s AND captured_at < %(end)s
    GROUP BY 1, 2, 3
"""
_REFUNDS = f"""
    SELECT merchant_id, currency, {_b("created")} AS bucket,
           sum(amount) AS refunded_amount, count(*) AS refund_count
    FROM payments_refund
    WHERE status = 'succeeded' AND created >= %(start)s AND created < %(end)s
    GROUP BY 1, 2, 3
"""
_DISPUTES_OPENED = f"""
    SELECT merchant_id, currency, {_b("created")} AS bucket,
           count(*) AS disputes_opened, sum(fee) AS dispute_fee_amount
    FROM payments_dispute WHERE created >= %(start)s AND created < %(end)s
    GROUP BY 1, 2, 3
"""
_DISPUTES_LOST = f"""
    SELECT merchant_id, currency, {_b("closed_at")} AS bucket,
           sum(amount) AS dispute_loss_amount
    FROM payments_dispute
    WHERE status = 'lost' AND closed_at >= %(start)s AND closed_at < %(end)s
    GROUP BY 1, 2, 3
"""
_CUSTOMERS = f"""
    SELECT merchant_id, '' AS currency, {_b("created")} AS bucket, count(*) AS new_customers
    FROM payments_customer WHERE created >= %(start)s AND created < %(end)s
    GROUP BY 1, 2, 3
"""
_ATTEMPTS = f"""
    SELECT merchant_id,
           CASE WHEN type = 'risk.review_opened' THEN '' ELSE data->'object'->>'currency' END,
           {_b("created")} AS bucket,
           count(*) FILTER (WHERE type = 'payment.amount_capturable_updated'
               OR (type = 'payment.succeeded'
                   AND data->'object'->>'capture_method' = 'automatic')) AS authorized_count,
           count(*) FILTER (WHERE type = 'payment.failed'
               AND data->'object'->'last_payment_error'->>'code' IS DISTINCT FROM
                   'payment_blocked') AS declined_count,
           count(*) FILTER (WHERE type = 'payment.failed'
               AND data->'object'->'last_payment_error'->>'code' = 'payment_blocked')
               AS risk_blocked_count,
           count(*) FILTER (WHERE type = 'payment.canceled') AS canceled_count,
           count(*) FILTER (WHERE type = 'risk.review_opened') AS reviews_opened
    FROM events_event
    WHERE merchant_id IS NOT NULL AND created >= %(start)s AND created < %(end)s
      AND type IN ('payment.amount_capturable_updated', 'payment.succeeded', 'payment.failed',
                   'payment.canceled', 'risk.review_opened')
    GROUP BY 1, 2, 3
"""


def recompute_rollups(
    *, start: datetime, end: datetime
) -> dict[tuple[str, str, datetime], dict[str, int]]:
    """The rollup rows of buckets in [start, end) recomputed from the source tables (only
    non-zero measures), keyed (merchant, currency, bucket)."""
    out: dict[tuple[str, str, datetime], dict[str, int]] = {}
    params = {"start": start, "end": end}
    with connection.cursor() as cursor:
        for sql in (_SOURCE_BRANCHES, _REFUNDS, _DISPUTES_OPENED, _DISPUTES_LOST, _CUSTOMERS):
            cursor.execute(sql, params)
            _collect(cursor, out)
        cursor.execute(_ATTEMPTS, params)
        _collect(cursor, out)
    return {key: {k: v for k, v in row.items() if v} for key, row in out.items()}


def _collect(cursor: Any, out: dict) -> None:
    names = [column.name for column in cursor.description][3:]
    for merchant, currency, bucket, *values in cursor.fetchall():
        row = out.setdefault((merchant, currency, bucket.astimezone(UTC)), {})
        for name, value in zip(names, values, strict=True):
            row[name] = row.get(name, 0) + int(value or 0)


def _stored(*, start: datetime, end: datetime) -> dict[tuple[str, str, datetime], dict[str, int]]:
    rows = Rollup.objects.filter(bucket__gte=start, bucket__lt=end).values(
        "merchant_id", "currency", "bucket", *ROLLUP_MEASURES
    )
    return {
        (row["merchant_id"], row["currency"], row["bucket"].astimezone(UTC)): {
            name: row[name] for name in ROLLUP_MEASURES if row[name]
        }
        for row in rows
    }


def rollups_drift(*, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Every (merchant, currency, bucket, measure) in [start, end) where the rollup differs from
    the recomputation: `{merchant, currency, bucket, measure, expected, actual}`, sorted."""
    expected, actual = recompute_rollups(start=start, end=end), _stored(start=start, end=end)
    drift = []
    for key in sorted(set(expected) | set(actual)):
        want, have = expected.get(key, {}), actual.get(key, {})
        for measure in ROLLUP_MEASURES:
            if want.get(measure, 0) != have.get(measure, 0):
                merchant, currency, bucket = key
                drift.append(
                    {
                        "merchant": merchant,
                        "currency": currency,
                        "bucket": bucket.isoformat(),
                        "measure": measure,
                        "expected": want.get(measure, 0),
                        "actual": have.get(measure, 0),
                    }
                )
    return drift


def rollups_reconcile(*, days: int = 3, today: date | None = None) -> DriftReport:
    """Recompute the last `days` closed UTC days and record a DriftReport (drift_count 0 when
    the rollups are exact). Owns its transaction."""
    today = today or datetime.now(UTC).date()
    end = datetime.combine(today, time.min, tzinfo=UTC)
    start = end - timedelta(days=days)
    drift = rollups_drift(start=start, end=end)
    with transaction.atomic():
        return DriftReport.objects.create(
            start=start, end=end, drift=drift[:1000], drift_count=len(drift)
        )


_DIMENSION_SOURCE = f"""
    SELECT p.merchant_id, p.currency, {_b("p.captured_at")} AS bucket, d.dimension, d.value,
           sum(p.amount_received), count(*), sum(p.fee)
    FROM payments_payment p
    LEFT JOIN payments_paymentmethod m ON m.id = p.payment_method_id
    CROSS JOIN LATERAL (VALUES ('source', p.source), ('api_key', p.api_key_id),
        ('payment_method_type', m.type), ('card_brand', m.brand),
        ('risk_level', p.risk->>'level')) AS d(dimension, value)
    WHERE p.captured_at >= %(start)s AND d.value IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
"""
_CUSTOMER_SOURCE = """
    SELECT merchant_id, currency, (captured_at AT TIME ZONE 'UTC')::date, customer_id,
           min(captured_at), max(captured_at), count(*), sum(amount_received)
    FROM payments_payment
    WHERE captured_at >= %(start)s AND customer_id IS NOT NULL
    GROUP BY 1, 2, 3, 4
"""


def rollups_rebuild(*, since: date) -> int:
    """Replace every rollup row from `since` (a UTC day) with its recomputation from the
    source tables, set-based, in one transaction; returns the rollup rows written. The
    dimension rollups of payments (source, api key, method, brand, risk level) and the
    customer days are rebuilt too; declines by code, rules and dispute reasons keep their
    subscriber-maintained rows."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime(9999, 1, 1, tzinfo=UTC)
    with transaction.atomic():
        rows = recompute_rollups(start=start, end=end)
        Rollup.objects.filter(bucket__gte=start).delete()
        Rollup.objects.bulk_create(
            [
                Rollup(merchant_id=merchant, currency=currency, bucket=bucket, **measures)
                for (merchant, currency, bucket), measures in sorted(rows.items())
            ],
            batch_size=5000,
        )
        rebuilt = ("source", "api_key", "payment_method_type", "card_brand", "risk_level")
        # Decline counts of the same dimensions come from events: only the payment measures
        # are recomputed.
        DimensionRollup.objects.filter(bucket__gte=start, dimension__in=rebuilt).update(
            gross_volume=0, successful_payment_count=0, fee_amount=0
        )
        CustomerDay.objects.filter(day__gte=since).delete()
        params = {"start": start}
        measures = ", ".join(DIMENSION_MEASURES[:3])
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {DimensionRollup._meta.db_table} "
                f"(merchant_id, currency, bucket, dimension, value, {measures}, "
                "declined_count, risk_blocked_count, disputes_opened) "
                f"SELECT *, 0, 0, 0 FROM ({_DIMENSION_SOURCE}) AS source "
                "ON CONFLICT (merchant_id, currency, bucket, dimension, value) DO UPDATE SET "
                "gross_volume = EXCLUDED.gross_volume, "
                "successful_payment_count = EXCLUDED.successful_payment_count, "
                "fee_amount = EXCLUDED.fee_amount",
                params,
            )
            cursor.execute(
                f"INSERT INTO {CustomerDay._meta.db_table} (merchant_id, currency, day, "
                "customer_id, first_at, last_at, payment_count, gross_volume) "
                f"{_CUSTOMER_SOURCE}",
                params,
            )
        _derived_rebuild(since)
    return len(rows)


_MEASURE_COLUMNS = ", ".join(ROLLUP_MEASURES)
_DAY_TOTALS = f"""
    INSERT INTO {RollupDay._meta.db_table} (merchant_id, currency, day, {_MEASURE_COLUMNS})
    SELECT merchant_id, currency, (bucket AT TIME ZONE 'UTC')::date,
           {", ".join(f"sum({name})" for name in ROLLUP_MEASURES)}
    FROM {Rollup._meta.db_table} WHERE bucket >= %(start)s GROUP BY 1, 2, 3
"""
# lag() runs over the customers' whole history: a day's previous day may precede `since`.
_GAPS = f"""
    INSERT INTO {CustomerDayGap._meta.db_table} (merchant_id, day, currency, prev_day, customers)
    SELECT merchant_id, day, currency, prev_day, count(*) FROM (
        SELECT merchant_id, currency, day, coalesce(lag(day) OVER (
            PARTITION BY merchant_id, currency, customer_id ORDER BY day), %(none)s) AS prev_day
        FROM {CustomerDay._meta.db_table}
        WHERE (merchant_id, currency, customer_id) IN (
            SELECT merchant_id, currency, customer_id FROM {CustomerDay._meta.db_table}
            WHERE day >= %(since)s)
    ) AS days
    WHERE day >= %(since)s GROUP BY 1, 2, 3, 4
"""


def _derived_rebuild(since: date) -> None:
    """The day totals and customer gaps from `since`, recomputed set-based from the rebuilt
    rollups and customer days (caller's transaction)."""
    RollupDay.objects.filter(day__gte=since).delete()
    CustomerDayGap.objects.filter(day__gte=since).delete()
    start = datetime.combine(since, time.min, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute(_DAY_TOTALS, {"start": start})
        cursor.execute(_GAPS, {"since": since, "none": NO_PREVIOUS_DAY})
