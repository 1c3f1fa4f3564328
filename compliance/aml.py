"""AML monitoring rules over payment events.

- Large transaction: a succeeded payment at or above the currency's threshold
  (`AML_LARGE_TRANSACTION_THRESHOLD`, per-currency `AML_LARGE_TRANSACTION_THRESHOLDS`).
- Structuring: `AML_STRUCTURING_MIN_PAYMENTS` or more succeeded payments by one customer within
  24 h, each between 90 % and 100 % (exclusive) of the threshold: one alert per customer per day.

The payment history is read through the payments selector `customer_payments_in_range`
(compliance may read other apps through their selectors), by capture time.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from payments.selectors import customer_payments_in_range

from .alerts import alert_open
from .models import Alert

STRUCTURING_WINDOW = timedelta(hours=24)


def large_transaction_threshold(currency: str) -> int:
    return settings.AML_LARGE_TRANSACTION_THRESHOLDS.get(
        currency, settings.AML_LARGE_TRANSACTION_THRESHOLD
    )


def _amount(payment: dict[str, Any]) -> int:
    return payment.get("amount_received") or payment["amount"]


def _near_low(threshold: int) -> int:
    """The smallest integer amount at or above 90 % of `threshold`."""
    return -(-threshold * 9 // 10)


def _is_near_threshold(amount: int, threshold: int) -> bool:
    return _near_low(threshold) <= amount < threshold


def aml_screen_payment(*, event: dict[str, Any]) -> list[Alert]:
    """Apply the AML rules to one `payment.succeeded` event; return the alerts it opened."""
    payment = event["data"]["object"]
    merchant_id = event.get("merchant")
    currency = payment["currency"]
    amount = _amount(payment)
    threshold = large_transaction_threshold(currency)
    opened: list[Alert | None] = []
    if amount >= threshold:
        opened.append(
            alert_open(
                kind="large_transaction",
                severity="medium",
                dedupe_key=f"large_transaction:{payment['id']}",
                merchant_id=merchant_id,
                object_id=payment["id"],
                details={"amount": amount, "currency": currency, "threshold": threshold},
            )
        )
    elif payment.get("customer") and _is_near_threshold(amount, threshold):
        opened.append(_screen_structuring(event, payment, threshold))
    return [alert for alert in opened if alert is not None]


def _screen_structuring(
    event: dict[str, Any], payment: dict[str, Any], threshold: int
) -> Alert | None:
    merchant_id = event.get("merchant")
    customer = payment["customer"]
    until = datetime.fromisoformat(event["created"].replace("Z", "+00:00"))
    since = until - STRUCTURING_WINDOW
    recent = customer_payments_in_range(
        merchant_id=merchant_id,
        customer_id=customer,
        currency=payment["currency"],
        since=since,
        until=until,
        low=_near_low(threshold),
        high=threshold,
    )
    near = sorted(set(recent) | {payment["id"]})
    if len(near) < settings.AML_STRUCTURING_MIN_PAYMENTS:
        return None
    return alert_open(
        kind="structuring",
        severity="high",
        dedupe_key=f"structuring:{merchant_id}:{customer}:{until.date().isoformat()}",
        merchant_id=merchant_id,
        object_id=customer,
        details={"payments": near, "currency": payment["currency"], "threshold": threshold},
    )
