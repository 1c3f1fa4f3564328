"""API representations of billing objects (BILLING.md §1): REST, events and MCP alike."""

from typing import Any, ClassVar

from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField


class ObjectField(serializers.JSONField):
    """A free-form JSON object (shape documented in docs/billing.md)."""

    json_schema: ClassVar[dict[str, Any]] = {"type": "object"}


LINES_INLINE = 10


class ProductSerializer(ObjectSerializer):
    object_name = "product"

    name = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    active = serializers.BooleanField()
    default_price = serializers.CharField(allow_null=True)
    unit_label = serializers.CharField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())
    created = TimestampField()
    updated = TimestampField()


class RecurringSerializer(serializers.Serializer):
    interval = serializers.CharField()
    interval_count = serializers.IntegerField()
    usage_type = serializers.CharField(default="licensed")
    trial_period_days = serializers.IntegerField(allow_null=True)


class PriceSerializer(ObjectSerializer):
    object_name = "price"

    product = serializers.CharField(source="product_id")
    active = serializers.BooleanField()
    currency = serializers.CharField()
    type = serializers.CharField()
    unit_amount = serializers.IntegerField()
    billing_scheme = serializers.SerializerMethodField()
    recurring = serializers.SerializerMethodField()
    lookup_key = serializers.CharField(allow_null=True)
    nickname = serializers.CharField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())
    created = TimestampField()

    def get_billing_scheme(self, price) -> str:
        return "per_unit"

    def get_recurring(self, price) -> dict[str, Any] | None:
        if price.interval is None:
            return None
        return {
            "interval": price.interval,
            "interval_count": price.interval_count,
            "usage_type": "licensed",
            "trial_period_days": price.trial_period_days,
        }


class CouponSerializer(ObjectSerializer):
    object_name = "coupon"

    name = serializers.CharField(allow_null=True)
    percent_off_bps = serializers.IntegerField(allow_null=True)
    amount_off = serializers.IntegerField(allow_null=True)
    currency = serializers.CharField(allow_null=True)
    duration = serializers.CharField()
    duration_in_months = serializers.IntegerField(allow_null=True)
    max_redemptions = serializers.IntegerField(allow_null=True)
    times_redeemed = serializers.IntegerField()
    redeem_by = TimestampField(allow_null=True)
    applies_to = serializers.SerializerMethodField()
    valid = serializers.SerializerMethodField()
    metadata = serializers.DictField(child=serializers.CharField())
    created = TimestampField()

    def to_representation(self, coupon) -> dict[str, Any]:
        data = super().to_representation(coupon)
        if coupon.code:
            data["id"] = coupon.code
        return data

    def get_applies_to(self, coupon) -> dict[str, Any] | None:
        products = coupon.applies_to_products
        return {"products": products} if products else None

    def get_valid(self, coupon) -> bool:
        if coupon.deleted:
            return False
        return coupon.max_redemptions is None or coupon.times_redeemed < coupon.max_redemptions


def discount_data(discount) -> dict[str, Any] | None:
    if discount is None:
        return None
    coupon = CouponSerializer(discount.coupon).data
    stamp = TimestampField().to_representation
    return {
        "id": discount.id,
        "object": "discount",
        "coupon": coupon,
        "customer": discount.customer_id,
        "subscription": discount.subscription_id,
        "start": stamp(discount.start),
        "end": stamp(discount.end),
    }


class SubscriptionItemSerializer(ObjectSerializer):
    object_name = "subscription_item"

    subscription = serializers.CharField(source="subscription_id")
    price = PriceSerializer()
    quantity = serializers.IntegerField()
    metadata = serializers.DictField(child=serializers.CharField())
    created = TimestampField()


class SubscriptionSerializer(ObjectSerializer):
    object_name = "subscription"

    customer = serializers.CharField(source="customer_id")
    currency = serializers.CharField()
    status = serializers.CharField()
    items = serializers.SerializerMethodField()
    collection_method = serializers.CharField()
    days_until_due = serializers.IntegerField(allow_null=True)
    default_payment_method = serializers.CharField(allow_null=True)
    billing_cycle_anchor = TimestampField()
    current_period_start = TimestampField()
    current_period_end = TimestampField()
    trial_start = TimestampField(allow_null=True)
    trial_end = TimestampField(allow_null=True)
    trial_settings = serializers.SerializerMethodField()
    cancel_at_period_end = serializers.BooleanField()
    cancel_at = TimestampField(allow_null=True)
    canceled_at = TimestampField(allow_null=True)
    ended_at = TimestampField(allow_null=True)
    cancellation_details = ObjectField(allow_null=True)
    pause = ObjectField(allow_null=True)
    discount = serializers.SerializerMethodField()
    latest_invoice = serializers.CharField(allow_null=True)
    test_clock = serializers.CharField(source="test_clock_id", allow_null=True)
    start_date = TimestampField()
    metadata = serializers.DictField(child=serializers.CharField())
    created = TimestampField()

    def get_items(self, subscription) -> dict[str, Any]:
        items = subscription.priced_items()
        return {
            "object": "list",
            "data": SubscriptionItemSerializer(items, many=True).data,
            "has_more": False,
        }

    def get_trial_settings(self, subscription) -> dict[str, Any]:
        return {"end_behavior": {"missing_payment_method": subscription.trial_end_behavior}}

    def get_discount(self, subscription) -> dict[str, Any] | None:
        return discount_data(subscription.current_discount())


class InvoiceLineSerializer(ObjectSerializer):
    object_name = "line_item"

    invoice = serializers.CharField(source="invoice_id", allow_null=True)
    type = serializers.CharField()
    price = serializers.CharField(source="price_id", allow_null=True)
    subscription_item = serializers.CharField(allow_null=True)
    quantity = serializers.IntegerField(allow_null=True)
    amount = serializers.IntegerField()
    description = serializers.CharField()
    period = serializers.SerializerMethodField()
    proration = serializers.BooleanField()
    proration_details = serializers.JSONField(allow_null=True)
    discount_amount = serializers.IntegerField()

    def get_period(self, line) -> dict[str, str]:
        stamp = TimestampField().to_representation
        return {"start": stamp(line.period_start), "end": stamp(line.period_end)}


class InvoiceSerializer(ObjectSerializer):
    object_name = "invoice"

    number = serializers.CharField(allow_null=True)
    customer = serializers.CharField(source="customer_id")
    subscription = serializers.CharField(source="subscription_id", allow_null=True)
    status = serializers.CharField()
    billing_reason = serializers.CharField()
    collection_method = serializers.CharField()
    currency = serializers.CharField()
    period_start = TimestampField()
    period_end = TimestampField()
    lines = serializers.SerializerMethodField()
    subtotal = serializers.IntegerField()
    total_discount_amount = serializers.IntegerField()
    total = serializers.IntegerField()
    starting_balance = serializers.IntegerField()
    ending_balance = serializers.IntegerField(allow_null=True)
    amount_due = serializers.IntegerField()
    amount_paid = serializers.IntegerField()
    amount_remaining = serializers.IntegerField()
    paid_out_of_band = serializers.BooleanField()
    attempt_count = serializers.IntegerField()
    next_payment_attempt = TimestampField(allow_null=True)
    auto_advance = serializers.BooleanField()
    payment = serializers.CharField(allow_null=True)
    due_date = TimestampField(allow_null=True)
    status_transitions = serializers.SerializerMethodField()
    test_clock = serializers.CharField(source="test_clock_id", allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())
    created = TimestampField()

    def get_lines(self, invoice) -> dict[str, Any]:
        lines = list(invoice.lines.all()[: LINES_INLINE + 1])
        return {
            "object": "list",
            "data": InvoiceLineSerializer(lines[:LINES_INLINE], many=True).data,
            "has_more": len(lines) > LINES_INLINE,
            "url": f"/api/v1/invoices/{invoice.id}/lines",
        }

    def get_status_transitions(self, invoice) -> dict[str, str | None]:
        stamp = TimestampField().to_representation
        return {
            "finalized_at": stamp(invoice.finalized_at),
            "paid_at": stamp(invoice.paid_at),
            "voided_at": stamp(invoice.voided_at),
            "marked_uncollectible_at": stamp(invoice.marked_uncollectible_at),
        }


class InvoiceItemSerializer(ObjectSerializer):
    object_name = "invoiceitem"

    customer = serializers.CharField(source="customer_id")
    subscription = serializers.CharField(source="subscription_id", allow_null=True)
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    description = serializers.CharField()
    period = serializers.SerializerMethodField()
    proration = serializers.BooleanField()
    invoice = serializers.CharField(source="invoice_id", allow_null=True)
    created = TimestampField()

    def get_period(self, item) -> dict[str, str]:
        stamp = TimestampField().to_representation
        return {"start": stamp(item.period_start), "end": stamp(item.period_end)}


class TestClockSerializer(ObjectSerializer):
    __test__ = False
    object_name = "test_clock"

    name = serializers.CharField()
    frozen_time = TimestampField()
    status = serializers.CharField()
    advancing_to = TimestampField(allow_null=True)
    deletes_after = TimestampField()
    created = TimestampField()
