"""What merchant users are told about an event: title, body, email template and context, and
the SMS text when the event warrants one. Pure functions of the event (API.md §4 shape)."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from .enums import SMS_ALERT_SEVERITIES
from .services.email import format_amount


@dataclass(frozen=True)
class MerchantMessage:
    kind: str
    title: str
    body: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    sms_text: str | None = None


def _amount(obj: dict[str, Any]) -> str:
    return format_amount(int(obj.get("amount") or 0), str(obj.get("currency") or "usd"))


def _payment_failed(obj: dict[str, Any]) -> MerchantMessage | None:
    if int(obj.get("amount") or 0) < settings.NOTIFY_PAYMENT_FAILED_MIN_AMOUNT:
        return None
    error = obj.get("last_payment_error") or {}
    reason = error.get("decline_code") or error.get("code") or "unknown"
    return MerchantMessage(
        kind="payment.failed",
        title=f"Payment of {_amount(obj)} failed",
        body=f"Payment {obj['id']} failed ({reason}).",
        template="payment_failed",
        context={"payment_id": obj["id"], "amount": _amount(obj), "reason": reason},
    )


def _dispute_created(obj: dict[str, Any]) -> MerchantMessage:
    return MerchantMessage(
        kind="dispute.created",
        title=f"Dispute opened: {_amount(obj)}",
        body=f"Dispute {obj['id']} on payment {obj.get('payment')} ({obj.get('reason')}).",
        template="dispute_opened",
        context={
            "dispute_id": obj["id"],
            "payment_id": obj.get("payment"),
            "amount": _amount(obj),
            "reason": obj.get("reason") or "",
        },
    )


def _payout(obj: dict[str, Any], *, paid: bool) -> MerchantMessage:
    verb = "paid" if paid else "failed"
    return MerchantMessage(
        kind=f"payout.{verb}",
        title=f"Payout of {_amount(obj)} {verb}",
        body=f"Payout {obj['id']} {verb}"
        + ("" if paid else f" ({obj.get('failure_code') or 'unknown'})")
        + ".",
        template=f"payout_{verb}",
        context={
            "payout_id": obj["id"],
            "amount": _amount(obj),
            "failure_code": obj.get("failure_code") or "",
        },
    )


def _endpoint_disabled(obj: dict[str, Any]) -> MerchantMessage:
    return MerchantMessage(
        kind="webhook_endpoint.disabled",
        title="Webhook endpoint disabled",
        body=f"{obj.get('url')} failed for 3 days and was disabled.",
        template="webhook_endpoint_disabled",
        context={"endpoint_id": obj["id"], "url": obj.get("url") or ""},
    )


def _alert_opened(obj: dict[str, Any]) -> MerchantMessage:
    severity = str(obj.get("severity") or "")
    title = f"Compliance alert ({severity}): {obj.get('kind')}"
    return MerchantMessage(
        kind="compliance.alert_opened",
        title=title,
        body=f"Alert {obj['id']} on {obj.get('object_id') or 'the account'}.",
        template="compliance_alert",
        context={
            "alert_id": obj["id"],
            "alert_kind": obj.get("kind") or "",
            "severity": severity,
            "object_id": obj.get("object_id") or "",
        },
        sms_text=(
            f"MCP Payments: {severity} compliance alert {obj.get('kind')} ({obj['id']})"
            if severity in SMS_ALERT_SEVERITIES
            else None
        ),
    )


def _review_opened(obj: dict[str, Any]) -> MerchantMessage:
    return MerchantMessage(
        kind="risk.review_opened",
        title=f"Risk review opened (score {obj.get('score')})",
        body=f"{obj.get('object_type')} {obj.get('object_id')} waits for a review decision.",
        template="risk_review_opened",
        context={
            "review_id": obj["id"],
            "object_id": obj.get("object_id") or "",
            "score": obj.get("score"),
        },
    )


def _approval_requested(obj: dict[str, Any]) -> MerchantMessage:
    tool = obj.get("tool") or obj.get("action") or "an operation"
    return MerchantMessage(
        kind="agent.approval_requested",
        title="An agent asks for approval",
        body=f"Approval {obj['id']} for {tool}.",
        template="agent_approval_requested",
        context={
            "approval_id": obj["id"],
            "tool": tool,
            "amount": _amount(obj) if obj.get("amount") else "",
        },
    )


MERCHANT_EVENT_TYPES: tuple[str, ...] = (
    "payment.failed",
    "dispute.created",
    "payout.paid",
    "payout.failed",
    "webhook_endpoint.disabled",
    "compliance.alert_opened",
    "risk.review_opened",
    "agent.approval_requested",
)


def merchant_message(event: dict[str, Any]) -> MerchantMessage | None:
    """The message of `event` for the merchant's users, or None when it warrants none."""
    obj = (event.get("data") or {}).get("object") or {}
    if "id" not in obj:
        return None
    match event["type"]:
        case "payment.failed":
            return _payment_failed(obj)
        case "dispute.created":
            return _dispute_created(obj)
        case "payout.paid":
            return _payout(obj, paid=True)
        case "payout.failed":
            return _payout(obj, paid=False)
        case "webhook_endpoint.disabled":
            return _endpoint_disabled(obj)
        case "compliance.alert_opened":
            return _alert_opened(obj)
        case "risk.review_opened":
            return _review_opened(obj)
        case "agent.approval_requested":
            return _approval_requested(obj)
    return None
