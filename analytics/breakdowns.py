"""Fraud and customer breakdowns (ANALYTICS.md §2 `/analytics/fraud`, `/analytics/customers`),
from the same rollups and metric code as the summary."""

from typing import Any

from django.db import connection

from .metrics import Window, metrics_for_window

TOP = 10


def _dimension_totals(
    merchant_id: str, window: Window, dimension: str, expression: str
) -> list[tuple[str, str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT currency, value, sum({expression})::bigint AS total "  # noqa: S608 (ours)
            "FROM analytics_dimensionrollup WHERE merchant_id = %s AND dimension = %s "
            f"AND bucket >= %s AND bucket < %s GROUP BY 1, 2 HAVING sum({expression}) > 0 "
            "ORDER BY 3 DESC, 1, 2",
            [merchant_id, dimension, window.start, window.end],
        )
        return cursor.fetchall()


def analytics_fraud(*, merchant_id: str, window: Window) -> dict[str, Any]:
    """Block and review rates per currency and merchant-wide, the risk rules triggered most
    (attempts that triggered each rule) and disputes opened by reason."""
    metrics = metrics_for_window(merchant_id=merchant_id, window=window)
    rules: dict[str, int] = {}
    for _currency, rule, total in _dimension_totals(
        merchant_id,
        window,
        "risk_rule",
        "successful_payment_count + declined_count + risk_blocked_count",
    ):
        rules[rule] = rules.get(rule, 0) + total
    return {
        "object": "analytics_fraud",
        **window.as_dict(),
        "currencies": {
            currency: {
                name: values[name]
                for name in (
                    "fraud_block_rate_bps",
                    "risk_blocked_count",
                    "authorization_rate_bps",
                    "failed_payment_count",
                    "dispute_rate_bps",
                    "disputes_opened",
                    "dispute_loss_amount",
                )
            }
            for currency, values in metrics["currencies"].items()
        },
        "attempts_scored": metrics["attempts_scored"],
        "reviews_opened": metrics["reviews_opened"],
        "review_rate_bps": metrics["review_rate_bps"],
        "top_rules": [
            {"rule": rule, "attempts": total}
            for rule, total in sorted(rules.items(), key=lambda item: (-item[1], item[0]))[:TOP]
        ],
        "disputes_by_reason": [
            {"currency": currency, "reason": reason, "count": total}
            for currency, reason, total in _dimension_totals(
                merchant_id, window, "dispute_reason", "disputes_opened"
            )
        ],
    }


def analytics_customers(*, merchant_id: str, window: Window) -> dict[str, Any]:
    """New customers, paying customers and ARPU (spend per customer) per currency, and the top
    customers by gross volume (ranked over the UTC days overlapping the window)."""
    metrics = metrics_for_window(merchant_id=merchant_id, window=window)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT currency, customer_id, sum(gross_volume)::bigint, sum(payment_count)::bigint "
            "FROM analytics_customerday WHERE merchant_id = %s AND day >= %s AND day <= %s "
            "AND last_at >= %s AND first_at < %s GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT %s",
            [
                merchant_id,
                window.start.date(),
                window.end.date(),
                window.start,
                window.end,
                TOP,
            ],
        )
        top = [
            {"currency": currency, "customer": customer, "gross_volume": gross, "payments": count}
            for currency, customer, gross, count in cursor.fetchall()
        ]
    return {
        "object": "analytics_customers",
        **window.as_dict(),
        "new_customers": metrics["new_customers"],
        "currencies": {
            currency: {
                "paying_customers": values["paying_customers"],
                "arpu": values["spend_per_customer"],
                "gross_volume": values["gross_volume"],
            }
            for currency, values in metrics["currencies"].items()
        },
        "top_customers": top,
    }
