"""Billing MCP tools (API.md §7, BILLING.md §8): the REST API's input serializers, services and
representations. `create_subscription`, `update_subscription` and `pay_invoice` move money: the
MCP layer applies the key's agent policy to their policy amount (BILLING.md §8), and `dry_run`
returns the invoice the call would produce (never calling the card provider)."""

from typing import Any

from rest_framework import serializers

from mcp_payments.mcp.registry import Effect, ListInput, ToolCall, tool

from . import selectors
from .api import serializers as s
from .models import Invoice, Price, Product, Subscription, TestClock
from .representations import (
    CouponSerializer,
    InvoiceSerializer,
    PriceSerializer,
    ProductSerializer,
    SubscriptionSerializer,
    TestClockSerializer,
)
from .services import catalog, invoices, subscriptions, test_clocks


class PreviewInvoice(dict):
    """A dry run's would-be invoice (a dict, rendered as it is); `pk` names the object whose
    ledger postings the dry run reports (a preview has none)."""

    pk = "upcoming"


class ProductListInput(ListInput):
    active = serializers.BooleanField(required=False)


@tool(
    "list_products",
    scope="billing:read",
    input=ProductListInput,
    output=ProductSerializer,
    is_list=True,
    title="List products",
    description="The merchant's products, newest first; optionally only active ones.",
)
def list_products(call: ToolCall, data: dict[str, Any]):
    return selectors.product_list(context=call.context, active=data.get("active"))


@tool(
    "create_product",
    scope="billing:write",
    input=s.ProductCreateSerializer,
    output=ProductSerializer,
    effect=Effect.WRITE,
    title="Create a product",
    description="Create a product (name, description, unit_label, metadata).",
)
def create_product(call: ToolCall, data: dict[str, Any]) -> Product:
    return catalog.product_create(context=call.context, **data)


@tool(
    "create_price",
    scope="billing:write",
    input=s.PriceCreateSerializer,
    output=PriceSerializer,
    effect=Effect.WRITE,
    title="Create a price",
    description="Create a price of a product: unit_amount (minor units) in currency, one-time "
    "or recurring {interval: day|week|month|year, interval_count}. Amounts never change later.",
)
def create_price(call: ToolCall, data: dict[str, Any]) -> Price:
    return catalog.price_create(context=call.context, **data)


def _create_amount(call_data: dict[str, Any]) -> tuple[int, str]:
    from .models import Price as PriceModel

    merchant = (
        PriceModel.objects.filter(pk=call_data["items"][0].get("price"))
        .values_list("merchant_id", flat=True)
        .first()
    )
    return subscriptions.policy_amount_create(
        merchant_id=merchant or "", params=s.subscription_params(call_data)
    )


@tool(
    "create_subscription",
    scope="billing:write",
    input=s.SubscriptionCreateSerializer,
    output=SubscriptionSerializer,
    effect=Effect.MONEY,
    amount=_create_amount,
    destructive=True,
    open_world=True,
    title="Create a subscription",
    description="Subscribe a customer to recurring prices (items [{price, quantity}], one "
    "currency and interval); the first invoice is charged to default_payment_method (pm_… or "
    "wal_…) unless trialing. Policy amount: the recurring amount per period. dry_run returns "
    "the first invoice it would create.",
)
def create_subscription(call: ToolCall, data: dict[str, Any]) -> Subscription | PreviewInvoice:
    params = s.subscription_params(data)
    if call.dry_run:
        params.default_payment_method = None  # no card provider call in a dry run
        subscription = subscriptions.subscription_create(context=call.context, params=params)
        invoice = Invoice.objects.get(pk=subscription.latest_invoice)
        return PreviewInvoice(InvoiceSerializer(invoice).data)
    return subscriptions.subscription_create(context=call.context, params=params)


class UpdateInput(s.SubscriptionUpdateSerializer):
    id = serializers.CharField(max_length=40, help_text="The subscription (sub_…).")


def _update_amount(data: dict[str, Any]) -> tuple[int, str]:
    data = dict(data)
    subscription_id = data.pop("id")
    return subscriptions.policy_amount_update(
        context=None, subscription_id=subscription_id, params=s.update_params(data)
    )


@tool(
    "update_subscription",
    scope="billing:write",
    input=UpdateInput,
    output=SubscriptionSerializer,
    effect=Effect.MONEY,
    amount=_update_amount,
    destructive=True,
    open_world=True,
    title="Update a subscription",
    description="Change items ([{id, price?, quantity?, deleted?}] or new {price, quantity}), "
    "proration_behavior (create_prorations|always_invoice|none), proration_date, "
    "default_payment_method, trial_end ('now'), coupon, cancel_at_period_end, metadata. "
    "dry_run returns the preview invoice (equal to preview_invoice / GET /invoices/upcoming).",
)
def update_subscription(call: ToolCall, data: dict[str, Any]) -> Subscription | PreviewInvoice:
    data = dict(data)
    subscription_id = data.pop("id")
    params = s.update_params(data)
    if call.dry_run:
        return PreviewInvoice(
            subscriptions.invoice_upcoming(
                context=call.context, subscription_id=subscription_id, params=params
            )
        )
    return subscriptions.subscription_update(
        context=call.context, subscription_id=subscription_id, params=params
    )


class PreviewInput(s.SubscriptionUpdateSerializer):
    subscription = serializers.CharField(max_length=40, help_text="The subscription (sub_…).")


_PREVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The upcoming invoice (as GET /invoices/upcoming): lines, totals, "
    "amount_due and the proration_date used.",
}


@tool(
    "preview_invoice",
    scope="billing:read",
    input=PreviewInput,
    output=_PREVIEW_SCHEMA,
    title="Preview the upcoming invoice",
    description="The subscription's upcoming invoice, optionally with an update's parameters "
    "(items, proration_behavior, proration_date): changes nothing. Send the returned "
    "proration_date with the update to get exactly these lines.",
)
def preview_invoice(call: ToolCall, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    subscription_id = data.pop("subscription")
    return subscriptions.invoice_upcoming(
        context=call.context, subscription_id=subscription_id, params=s.update_params(data)
    )


@tool(
    "cancel_subscription",
    scope="billing:write",
    input=type(
        "CancelInput",
        (s.SubscriptionCancelSerializer,),
        {"id": serializers.CharField(max_length=40, help_text="The subscription (sub_…).")},
    ),
    output=SubscriptionSerializer,
    effect=Effect.WRITE,
    destructive=True,
    title="Cancel a subscription",
    description="Cancel now, or at_period_end; prorate credits unused time to the customer's "
    "balance (not a refund).",
)
def cancel_subscription(call: ToolCall, data: dict[str, Any]) -> Subscription:
    data = dict(data)
    return subscriptions.subscription_cancel(
        context=call.context, subscription_id=data.pop("id"), **data
    )


class InvoiceListInput(ListInput):
    customer = serializers.CharField(max_length=40, required=False)
    subscription = serializers.CharField(max_length=40, required=False)
    status = serializers.ChoiceField(
        choices=["draft", "open", "paid", "void", "uncollectible"], required=False
    )


@tool(
    "list_invoices",
    scope="billing:read",
    input=InvoiceListInput,
    output=InvoiceSerializer,
    is_list=True,
    title="List invoices",
    description="The merchant's invoices, newest first; by customer, subscription or status.",
)
def list_invoices(call: ToolCall, data: dict[str, Any]):
    return selectors.invoice_list(
        context=call.context,
        customer=data.get("customer"),
        subscription=data.get("subscription"),
        status=data.get("status"),
    )


class PayInput(s.InvoicePaySerializer):
    id = serializers.CharField(max_length=40, help_text="The invoice (in_…).")


def _pay_amount(data: dict[str, Any]) -> tuple[int, str]:
    row = Invoice.objects.filter(pk=data["id"]).values_list("amount_remaining", "currency").first()
    return row if row is not None else (0, "usd")


@tool(
    "pay_invoice",
    scope="billing:write",
    input=PayInput,
    output=InvoiceSerializer,
    effect=Effect.MONEY,
    amount=_pay_amount,
    destructive=True,
    open_world=True,
    title="Pay an invoice",
    description="Pay an open invoice with payment_method (pm_… card or wal_… wallet; default: "
    "the subscription's) or paid_out_of_band. Policy amount: amount_remaining. dry_run shows "
    "the wallet postings (a card's outcome is unknown until charged).",
)
def pay_invoice(call: ToolCall, data: dict[str, Any]) -> Invoice:
    data = dict(data)
    invoice_id = data.pop("id")
    method = data.get("payment_method") or ""
    if call.dry_run and not method.startswith("wal_") and not data.get("paid_out_of_band"):
        return selectors.invoice_get(context=call.context, invoice_id=invoice_id)
    invoice = invoices.invoice_pay(context=call.context, invoice_id=invoice_id, **data)
    invoice.refresh_from_db()
    return invoice


@tool(
    "void_invoice",
    scope="billing:write",
    input=type(
        "VoidInput",
        (s.StrictSerializer,),
        {"id": serializers.CharField(max_length=40, help_text="The invoice (in_…).")},
    ),
    output=InvoiceSerializer,
    effect=Effect.WRITE,
    destructive=True,
    title="Void an invoice",
    description="Void an open or uncollectible invoice (posts nothing).",
)
def void_invoice(call: ToolCall, data: dict[str, Any]) -> Invoice:
    return invoices.invoice_void(context=call.context, invoice_id=data["id"])


@tool(
    "create_coupon",
    scope="billing:write",
    input=s.CouponCreateSerializer,
    output=CouponSerializer,
    effect=Effect.WRITE,
    title="Create a coupon",
    description="percent_off_bps (1..10000) or amount_off + currency; duration once|repeating|"
    "forever (duration_in_months), max_redemptions, redeem_by, applies_to {products}.",
)
def create_coupon(call: ToolCall, data: dict[str, Any]):
    return catalog.coupon_create(context=call.context, **data)


class AdvanceInput(s.TestClockAdvanceSerializer):
    id = serializers.CharField(max_length=40, help_text="The test clock (clock_…).")


@tool(
    "advance_test_clock",
    scope="billing:write",
    input=AdvanceInput,
    output=TestClockSerializer,
    effect=Effect.WRITE,
    title="Advance a test clock",
    description="Move a sandbox test clock forward to frozen_time (at most two intervals of its "
    "shortest subscription): renewals, retries and trial ends on it run as they fall due.",
)
def advance_test_clock(call: ToolCall, data: dict[str, Any]) -> TestClock:
    return test_clocks.test_clock_advance(
        context=call.context, clock_id=data["id"], frozen_time=data["frozen_time"]
    )
