"""Selectors for risk scoring: the history of a card, a customer and an IP address *as of* a
moment, counted in PostgreSQL. The live confirm path and the 30-day backtest call the same query,
so a rule's backtest decisions equal its live decisions (compliance.rules)."""

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import connection

from payments.models import Payment


@dataclass(frozen=True)
class HistorySubject:
    """One payment attempt to describe: `payment_id` is excluded from its own counts (None for a
    payment not yet saved)."""

    key: str
    merchant_id: str
    at: datetime
    fingerprint: str | None
    customer_id: str | None
    ip_address: str | None
    payment_id: str | None = None


# Velocity counts attempts (payments with a payment method) in [at - window, at); history counts
# succeeded payments captured before `at` and disputes opened before `at`.
_HISTORY_SQL = """
WITH subject AS (
    SELECT * FROM jsonb_to_recordset(%s::jsonb) AS x(
        key text, merchant_id text, at timestamptz, fingerprint text, customer_id text,
        ip_address text, payment_id text)
)
SELECT s.key,
  (SELECT count(*) FROM payments_payment p
     JOIN payments_paymentmethod m ON m.id = p.payment_method_id
    WHERE m.merchant_id = s.merchant_id AND m.fingerprint = s.fingerprint
      AND p.created >= s.at - interval '1 hour' AND p.created < s.at
      AND p.id IS DISTINCT FROM s.payment_id) AS card_velocity_1h,
  (SELECT count(*) FROM payments_payment p
     JOIN payments_paymentmethod m ON m.id = p.payment_method_id
    WHERE m.merchant_id = s.merchant_id AND m.fingerprint = s.fingerprint
      AND p.created >= s.at - interval '24 hours' AND p.created < s.at
      AND p.id IS DISTINCT FROM s.payment_id) AS card_velocity_24h,
  (SELECT count(*) FILTER (WHERE p.created >= s.at - interval '1 hour')
     FROM payments_payment p
    WHERE p.customer_id = s.customer_id AND p.payment_method_id IS NOT NULL
      AND p.created >= s.at - interval '24 hours' AND p.created < s.at
      AND p.id IS DISTINCT FROM s.payment_id) AS customer_velocity_1h,
  (SELECT count(*) FROM payments_payment p
    WHERE p.customer_id = s.customer_id AND p.payment_method_id IS NOT NULL
      AND p.created >= s.at - interval '24 hours' AND p.created < s.at
      AND p.id IS DISTINCT FROM s.payment_id) AS customer_velocity_24h,
  (SELECT count(*) FROM payments_payment p
    WHERE p.merchant_id = s.merchant_id AND p.ip_address = s.ip_address::inet
      AND p.created >= s.at - interval '1 hour' AND p.created < s.at
      AND p.id IS DISTINCT FROM s.payment_id) AS ip_velocity_1h,
  (SELECT count(*) FROM payments_payment p
    WHERE p.merchant_id = s.merchant_id AND p.ip_address = s.ip_address::inet
      AND p.created >= s.at - interval '24 hours' AND p.created < s.at
      AND p.id IS DISTINCT FROM s.payment_id) AS ip_velocity_24h,
  (SELECT count(*) FROM payments_payment p
    WHERE p.customer_id = s.customer_id AND p.captured_at < s.at
      AND p.id IS DISTINCT FROM s.payment_id) AS customer_payment_count,
  (SELECT count(*) FROM payments_dispute d JOIN payments_payment p ON p.id = d.payment_id
    WHERE p.customer_id = s.customer_id AND d.created < s.at) AS customer_dispute_count,
  (SELECT count(DISTINCT m.fingerprint) FROM payments_payment p
     JOIN payments_paymentmethod m ON m.id = p.payment_method_id
    WHERE p.customer_id = s.customer_id AND p.created < s.at
      AND p.id IS DISTINCT FROM s.payment_id) AS customer_card_count,
  (SELECT count(*) = 0 FROM payments_payment p
    WHERE p.customer_id = s.customer_id AND p.ip_address = s.ip_address::inet
      AND p.created < s.at AND p.id IS DISTINCT FROM s.payment_id) AS is_new_ip_for_customer,
  (SELECT floor(extract(epoch FROM s.at - c.created) / 86400)::int
     FROM payments_customer c WHERE c.id = s.customer_id) AS customer_age_days
FROM subject s
"""

HISTORY_FIELDS = (
    "card_velocity_1h",
    "card_velocity_24h",
    "customer_velocity_1h",
    "customer_velocity_24h",
    "ip_velocity_1h",
    "ip_velocity_24h",
    "customer_payment_count",
    "customer_dispute_count",
    "customer_card_count",
    "is_new_ip_for_customer",
    "customer_age_days",
)


def payment_history_as_of(subjects: list[HistorySubject]) -> dict[str, dict[str, Any]]:
    """Counts for each subject as of its `at`, in one query: {key: {field: value}} with the
    fields of HISTORY_FIELDS. Without a customer the customer counts are 0 (age None); without an
    IP the IP counts are 0 and `is_new_ip_for_customer` is None. Read only."""
    if not subjects:
        return {}
    rows = [{**asdict(subject), "at": subject.at.isoformat()} for subject in subjects]
    with connection.cursor() as cursor:
        cursor.execute(_HISTORY_SQL, [json.dumps(rows)])
        result = {row[0]: dict(zip(HISTORY_FIELDS, row[1:], strict=True)) for row in cursor}
    for subject in subjects:
        if subject.ip_address is None or subject.customer_id is None:
            result[subject.key]["is_new_ip_for_customer"] = None
    return result


def payments_for_backtest(*, merchant_id: str, since: datetime) -> list[Payment]:
    """The merchant's confirmed payment attempts (with a payment method) created since `since`,
    oldest first, with their payment method and customer."""
    return list(
        Payment.objects.filter(
            merchant_id=merchant_id, created__gte=since, payment_method__isnull=False
        )
        .exclude(risk__isnull=True)
        .select_related("payment_method", "customer")
        .order_by("created", "id")
    )


def fraud_labels(*, payment_ids: list[str]) -> set[str]:
    """The payments among `payment_ids` later confirmed as fraud: a dispute with reason
    `fraudulent`, a refund with reason `fraudulent`, or a payment canceled as `fraudulent`."""
    if not payment_ids:
        return set()
    sql = """
        SELECT d.payment_id FROM payments_dispute d
         WHERE d.payment_id = ANY(%s) AND d.reason = 'fraudulent'
        UNION SELECT r.payment_id FROM payments_refund r
         WHERE r.payment_id = ANY(%s) AND r.reason = 'fraudulent'
        UNION SELECT p.id FROM payments_payment p
         WHERE p.id = ANY(%s) AND p.cancellation_reason = 'fraudulent'
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [payment_ids, payment_ids, payment_ids])
        return {row[0] for row in cursor.fetchall()}
