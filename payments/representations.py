"""API representations of payments objects: used by the REST API, events and MCP alike."""

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField


class CustomerSerializer(ObjectSerializer):
    object_name = "customer"

    created = TimestampField()
    name = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())
    deleted = serializers.BooleanField(source="is_deleted")
    test_clock = serializers.CharField(source="test_clock_id", allow_null=True)
    balance = serializers.DictField(child=serializers.IntegerField())

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if instance.is_deleted:
            return {"id": instance.id, "object": "customer", "deleted": True}
        return super().to_representation(instance)


class CardSerializer(serializers.Serializer):
    brand = serializers.CharField()
    last4 = serializers.CharField()
    exp_month = serializers.IntegerField()
    exp_year = serializers.IntegerField()
    fingerprint = serializers.CharField()
    country = serializers.CharField(allow_null=True)
    funding = serializers.CharField(allow_null=True)


class PaymentMethodSerializer(ObjectSerializer):
    object_name = "payment_method"

    created = TimestampField()
    type = serializers.CharField()
    customer = serializers.CharField(source="customer_id", allow_null=True)
    card = serializers.SerializerMethodField()
    detached = serializers.SerializerMethodField()
    metadata = serializers.DictField(child=serializers.CharField())

    @extend_schema_field(CardSerializer)
    def get_card(self, method) -> dict[str, Any]:
        return CardSerializer(method).data

    def get_detached(self, method) -> bool:
        return method.detached_at is not None


class RiskFeatureValueField(serializers.JSONField):
    """A feature's value: a number, a string or a boolean (null when the payment lacks it)."""

    json_schema: ClassVar[dict[str, Any]] = {
        "anyOf": [{"type": "number"}, {"type": "string"}, {"type": "boolean"}]
    }


class RiskFeatureSerializer(serializers.Serializer):
    feature = serializers.CharField()
    value = RiskFeatureValueField(allow_null=True)
    contribution = serializers.IntegerField(help_text="Points of the 0-100 score.")


class RiskSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    level = serializers.ChoiceField(choices=["normal", "elevated", "highest"])
    rules = serializers.ListField(child=serializers.CharField())
    rule = serializers.CharField(
        allow_null=True, default=None, help_text="The merchant rule (rule_…) that decided."
    )
    action = serializers.CharField(allow_null=True, default=None)
    model_version = serializers.IntegerField(allow_null=True, default=None)
    top_features = RiskFeatureSerializer(many=True, default=list)


class PaymentErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    decline_code = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class CardDetailsSerializer(serializers.Serializer):
    brand = serializers.CharField()
    country = serializers.CharField(allow_null=True)
    funding = serializers.CharField(allow_null=True)
    last4 = serializers.CharField()


class PaymentMethodDetailsSerializer(serializers.Serializer):
    type = serializers.CharField()
    card = CardDetailsSerializer(allow_null=True)


class PaymentSerializer(ObjectSerializer):
    object_name = "payment"

    created = TimestampField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    status = serializers.CharField()
    capture_method = serializers.CharField()
    customer = serializers.CharField(source="customer_id", allow_null=True)
    payment_method = serializers.CharField(source="payment_method_id", allow_null=True)
    wallet = serializers.CharField(source="wallet_id", allow_null=True)
    amount_capturable = serializers.IntegerField()
    amount_received = serializers.IntegerField()
    amount_refunded = serializers.IntegerField()
    fee = serializers.IntegerField()
    net = serializers.IntegerField()
    description = serializers.CharField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())
    last_payment_error = PaymentErrorSerializer(allow_null=True)
    next_action = serializers.DictField(allow_null=True)
    risk = RiskSerializer(allow_null=True)
    ip_address = serializers.CharField(allow_null=True)
    cancellation_reason = serializers.CharField(allow_null=True)
    captured_at = TimestampField(allow_null=True)
    source = serializers.CharField()
    api_key = serializers.CharField(source="api_key_id", allow_null=True)
    payment_method_details = serializers.SerializerMethodField()

    @extend_schema_field(PaymentMethodDetailsSerializer(allow_null=True))
    def get_payment_method_details(self, payment) -> dict[str, Any] | None:
        """The card behind the payment (country and funding are null: the sandbox provider
        does not report them), or null before a payment method is attached."""
        method = payment.payment_method
        if method is None:
            return None
        card = {"brand": method.brand, "country": None, "funding": None, "last4": method.last4}
        return {"type": method.type, "card": card if method.type == "card" else None}

    invoice = serializers.CharField(source="invoice_id", allow_null=True)


class RefundSerializer(ObjectSerializer):
    object_name = "refund"

    created = TimestampField()
    payment = serializers.CharField(source="payment_id")
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    status = serializers.CharField()
    reason = serializers.CharField(allow_null=True)
    failure_reason = serializers.CharField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())


class DisputeSerializer(ObjectSerializer):
    object_name = "dispute"

    created = TimestampField()
    payment = serializers.CharField(source="payment_id")
    amount = serializers.IntegerField()
    fee = serializers.IntegerField()
    currency = serializers.CharField()
    status = serializers.CharField()
    reason = serializers.CharField()
    evidence = serializers.DictField()
    evidence_submitted_at = TimestampField(allow_null=True)
    closed_at = TimestampField(allow_null=True)
