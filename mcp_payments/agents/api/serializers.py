from rest_framework import serializers

from mcp_payments.api.serializers import AmountField, CurrencyField, StrictSerializer


class ApprovalDecisionSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class PolicyCheckSerializer(StrictSerializer):
    """`POST /api_keys/{id}/policy_check`: the call to judge (amount in minor units)."""

    operation = serializers.CharField(max_length=64)
    amount = AmountField(required=False, allow_null=True, default=None)
    currency = CurrencyField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict) -> dict:
        if (attrs.get("amount") is None) != (attrs.get("currency") is None):
            raise serializers.ValidationError({"currency": ["Give amount and currency together."]})
        return attrs
