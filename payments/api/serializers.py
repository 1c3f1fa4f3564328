from rest_framework import serializers

from mcp_payments.api.serializers import (
    AmountField,
    CurrencyField,
    MetadataField,
    StrictSerializer,
)


class CustomerWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=256, required=False, allow_null=True)
    email = serializers.EmailField(max_length=512, required=False, allow_null=True)
    phone = serializers.CharField(max_length=32, required=False, allow_null=True)
    description = serializers.CharField(max_length=500, required=False, allow_null=True)
    metadata = MetadataField(required=False)
    # Billing: a sandbox test clock (clock_…), only at creation; ignored by updates.
    test_clock = serializers.CharField(max_length=40, required=False)


class CardTokenSerializer(StrictSerializer):
    token = serializers.CharField(max_length=64, help_text="A provider token such as tok_visa.")


class PaymentMethodCreateSerializer(StrictSerializer):
    type = serializers.ChoiceField(choices=["card"])
    card = CardTokenSerializer()
    customer = serializers.CharField(max_length=40, required=False, allow_null=True)
    metadata = MetadataField(required=False)


class PaymentCreateSerializer(StrictSerializer):
    amount = AmountField()
    currency = CurrencyField()
    customer = serializers.CharField(max_length=40, required=False, allow_null=True)
    payment_method = serializers.CharField(max_length=40, required=False, allow_null=True)
    capture_method = serializers.ChoiceField(
        choices=["automatic", "manual"], required=False, default="automatic"
    )
    confirm = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(max_length=500, required=False, allow_null=True)
    metadata = MetadataField(required=False)


class PaymentConfirmSerializer(StrictSerializer):
    payment_method = serializers.CharField(max_length=40, required=False, allow_null=True)


class PaymentCaptureSerializer(StrictSerializer):
    amount_to_capture = AmountField(required=False)


class PaymentCancelSerializer(StrictSerializer):
    cancellation_reason = serializers.ChoiceField(
        choices=["duplicate", "fraudulent", "requested_by_customer", "abandoned"],
        required=False,
        default="requested_by_customer",
    )


class RefundCreateSerializer(StrictSerializer):
    payment = serializers.CharField(max_length=40)
    amount = AmountField(required=False)
    reason = serializers.ChoiceField(
        choices=["duplicate", "fraudulent", "requested_by_customer"], required=False
    )
    metadata = MetadataField(required=False)


class DisputeEvidenceSerializer(StrictSerializer):
    evidence = serializers.DictField(
        child=serializers.CharField(max_length=5000),
        help_text="Free-form evidence fields (e.g. customer_communication, receipt).",
    )


class ThreeDSecureSerializer(StrictSerializer):
    result = serializers.ChoiceField(choices=["succeed", "fail"])


class TopUpSerializer(StrictSerializer):
    amount = AmountField()
    payment_method = serializers.CharField(max_length=40)
    description = serializers.CharField(max_length=500, required=False, allow_null=True)
    metadata = MetadataField(required=False)
