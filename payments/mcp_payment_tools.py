"""MCP tools and the `payments://{id}` resource over payments, refunds, disputes, top-ups and
risk reviews — the same services, selectors, input serializers and representations as the REST
API (`payments/api/`). Money-moving tools get agent limits, approvals, dry runs and derived
idempotency from the MCP layer (mcp_payments/mcp/execution.py)."""

from typing import Any

from rest_framework import serializers

from compliance.representations import RiskReviewSerializer
from compliance.selectors.reviews import risk_review_list
from mcp_payments.mcp.registry import Effect, IdInput, ListInput, ToolCall, resource, tool
from payments import selectors
from payments.api.serializers import (
    DisputeEvidenceSerializer,
    PaymentCancelSerializer,
    PaymentCaptureSerializer,
    PaymentCreateSerializer,
    RefundCreateSerializer,
    TopUpSerializer,
)
from payments.models import Dispute, Payment, Refund
from payments.representations import DisputeSerializer, PaymentSerializer, RefundSerializer
from payments.services import disputes, refunds, topups
from payments.services import payments as payment_services
from wallets.models import Wallet


def _payment_amount(data: dict[str, Any]) -> tuple[int, str]:
    return data["amount"], data["currency"]


@tool(
    "create_payment",
    scope="payments:write",
    input=PaymentCreateSerializer,
    output=PaymentSerializer,
    effect=Effect.MONEY,
    amount=_payment_amount,
    fee=lambda payment: payment.fee,
    destructive=True,
    open_world=True,
    title="Create (and confirm) a card payment",
    description="Create a payment of amount (minor units) in currency with a payment method "
    "(pm_…); confirm: true charges it now (capture_method automatic, or manual to authorize "
    "only). A decline is an error with decline_code and the payment. Subject to the key's "
    "agent policy; dry_run: true shows the would-be payment, postings and fee.",
)
def create_payment(call: ToolCall, data: dict[str, Any]) -> Payment:
    return payment_services.payment_create(
        context=call.context, request=payment_services.PaymentRequest(**data)
    )


@tool(
    "get_payment",
    scope="payments:read",
    input=IdInput,
    output=PaymentSerializer,
    title="Get a payment",
    description="Retrieve a payment (pay_…) with its status, amounts, fee, net and risk.",
)
def get_payment(call: ToolCall, data: dict[str, Any]) -> Payment:
    return selectors.payment_get(context=call.context, payment_id=data["id"])


class PaymentListInput(ListInput):
    status = serializers.ChoiceField(
        choices=[
            "requires_payment_method",
            "requires_confirmation",
            "requires_action",
            "processing",
            "requires_capture",
            "succeeded",
            "canceled",
        ],
        required=False,
    )
    customer = serializers.CharField(max_length=40, required=False)


@tool(
    "list_payments",
    scope="payments:read",
    input=PaymentListInput,
    output=PaymentSerializer,
    is_list=True,
    title="List payments",
    description="The merchant's payments, newest first, a page at a time; optionally by status "
    "or customer.",
)
def list_payments(call: ToolCall, data: dict[str, Any]):
    return selectors.payment_list(
        context=call.context, status=data.get("status"), customer=data.get("customer")
    )


class CaptureInput(PaymentCaptureSerializer):
    id = serializers.CharField(max_length=40, help_text="The payment (pay_…).")


def _capture_amount(data: dict[str, Any]) -> tuple[int, str]:
    """What the capture would take: the given amount, else all that is capturable."""
    row = Payment.objects.filter(pk=data["id"]).values_list("currency", "amount_capturable").first()
    currency, capturable = row or ("usd", 0)
    amount = data.get("amount_to_capture")
    return (capturable if amount is None else amount), currency


@tool(
    "capture_payment",
    scope="payments:write",
    input=CaptureInput,
    output=PaymentSerializer,
    effect=Effect.MONEY,
    amount=_capture_amount,
    policy_amount=False,
    fee=lambda payment: payment.fee,
    title="Capture an authorized payment",
    description="Capture a payment in requires_capture, fully or partly (amount_to_capture); "
    "the rest is released. The amount was counted against the agent policy at confirm; "
    "dry_run: true shows the capture's postings and fee.",
)
def capture_payment(call: ToolCall, data: dict[str, Any]) -> Payment:
    return payment_services.payment_capture(
        context=call.context,
        payment_id=data["id"],
        amount_to_capture=data.get("amount_to_capture"),
    )


class CancelInput(PaymentCancelSerializer):
    id = serializers.CharField(max_length=40, help_text="The payment (pay_…).")


@tool(
    "cancel_payment",
    scope="payments:write",
    input=CancelInput,
    output=PaymentSerializer,
    effect=Effect.WRITE,
    destructive=True,
    title="Cancel a payment",
    description="Cancel a payment before capture (an authorization is released).",
)
def cancel_payment(call: ToolCall, data: dict[str, Any]) -> Payment:
    return payment_services.payment_cancel(
        context=call.context, payment_id=data["id"], reason=data["cancellation_reason"]
    )


def _refund_amount(data: dict[str, Any]) -> tuple[int, str]:
    """What the refund would return: the given amount, else all that remains refundable."""
    row = (
        Payment.objects.filter(pk=data["payment"])
        .values_list("currency", "amount_received", "amount_refunded")
        .first()
    )
    currency, received, refunded = row or ("usd", 0, 0)
    return data.get("amount") or max(received - refunded, 0), currency


@tool(
    "create_refund",
    scope="refunds:write",
    input=RefundCreateSerializer,
    output=RefundSerializer,
    effect=Effect.MONEY,
    amount=_refund_amount,
    destructive=True,
    open_world=True,
    title="Refund a payment",
    description="Refund a succeeded payment, fully (no amount) or partly. Subject to the key's "
    "agent policy; dry_run: true shows the would-be refund and its postings.",
)
def create_refund(call: ToolCall, data: dict[str, Any]) -> Refund:
    return refunds.refund_create(
        context=call.context,
        payment_id=data["payment"],
        amount=data.get("amount"),
        reason=data.get("reason"),
        metadata=data.get("metadata"),
    )


class RefundListInput(ListInput):
    payment = serializers.CharField(max_length=40, required=False)


@tool(
    "list_refunds",
    scope="payments:read",
    input=RefundListInput,
    output=RefundSerializer,
    is_list=True,
    title="List refunds",
    description="The merchant's refunds, newest first; optionally of one payment.",
)
def list_refunds(call: ToolCall, data: dict[str, Any]):
    return selectors.refund_list(context=call.context, payment=data.get("payment"))


class DisputeListInput(ListInput):
    status = serializers.ChoiceField(
        choices=["needs_response", "under_review", "won", "lost"], required=False
    )


@tool(
    "list_disputes",
    scope="payments:read",
    input=DisputeListInput,
    output=DisputeSerializer,
    is_list=True,
    title="List disputes",
    description="The merchant's disputes, newest first; optionally by status.",
)
def list_disputes(call: ToolCall, data: dict[str, Any]):
    return selectors.dispute_list(context=call.context, status=data.get("status"))


class DisputeUpdateInput(DisputeEvidenceSerializer):
    id = serializers.CharField(max_length=40, help_text="The dispute (dp_…).")


@tool(
    "update_dispute",
    scope="payments:write",
    input=DisputeUpdateInput,
    output=DisputeSerializer,
    effect=Effect.WRITE,
    title="Submit dispute evidence",
    description="Add evidence fields to an open dispute; it goes under review.",
)
def update_dispute(call: ToolCall, data: dict[str, Any]) -> Dispute:
    return disputes.dispute_submit_evidence(
        context=call.context, dispute_id=data["id"], evidence=data["evidence"]
    )


class TopUpInput(TopUpSerializer):
    id = serializers.CharField(max_length=40, help_text="The wallet to credit (wal_…).")


def _top_up_amount(data: dict[str, Any]) -> tuple[int, str]:
    currency = Wallet.objects.filter(pk=data["id"]).values_list("currency", flat=True).first()
    return data["amount"], currency or "usd"


@tool(
    "top_up_wallet",
    scope="wallets:write",
    input=TopUpInput,
    output=PaymentSerializer,
    effect=Effect.MONEY,
    amount=_top_up_amount,
    fee=lambda payment: payment.fee,
    destructive=True,
    open_world=True,
    title="Top up a wallet by card",
    description="Charge a payment method (pm_…) and credit the wallet (wal_…) with amount. "
    "Returns the payment. Subject to the key's agent policy; dry_run: true simulates it.",
)
def top_up_wallet(call: ToolCall, data: dict[str, Any]) -> Payment:
    return topups.wallet_top_up(
        context=call.context,
        wallet_id=data["id"],
        amount=data["amount"],
        payment_method=data["payment_method"],
        description=data.get("description"),
        metadata=data.get("metadata"),
    )


class ReviewListInput(ListInput):
    status = serializers.ChoiceField(choices=["open", "approved", "rejected"], required=False)


@tool(
    "list_risk_reviews",
    scope="risk:read",
    input=ReviewListInput,
    output=RiskReviewSerializer,
    is_list=True,
    title="List risk reviews",
    description="Payments that scored elevated risk and await (or got) a person's decision.",
)
def list_risk_reviews(call: ToolCall, data: dict[str, Any]):
    return risk_review_list(context=call.context, status=data.get("status"))


@resource(
    "payments",
    scope="payments:read",
    output=PaymentSerializer,
    name="payment",
    description="A payment as the REST API shows it (GET /api/v1/payments/{id}).",
)
def payment_resource(call: ToolCall, payment_id: str) -> Payment:
    return selectors.payment_get(context=call.context, payment_id=payment_id)
