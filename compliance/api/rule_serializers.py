"""Input serializers of the risk rules, block list and KYC endpoints (shared with MCP tools)."""

from rest_framework import serializers

from mcp_payments.api.serializers import StrictSerializer

from ..models import BlockListEntry, KycStatus, RuleAction


class RiskRuleCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    expression = serializers.CharField(
        max_length=1000, trim_whitespace=False, help_text="See docs/risk.md for the grammar."
    )
    action = serializers.ChoiceField(choices=RuleAction.choices)
    position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    enabled = serializers.BooleanField(required=False, default=True)


class RiskRuleUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    expression = serializers.CharField(max_length=1000, trim_whitespace=False, required=False)
    action = serializers.ChoiceField(choices=RuleAction.choices, required=False)
    position = serializers.IntegerField(min_value=0, max_value=100_000, required=False)
    enabled = serializers.BooleanField(required=False)


class BlockListCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=BlockListEntry.Kind.choices)
    value = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class KycSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=KycStatus.choices)


class BacktestSerializer(serializers.Serializer):
    object = serializers.SerializerMethodField()
    rule = serializers.CharField(allow_null=True)
    action = serializers.CharField()
    expression = serializers.CharField()
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    evaluated = serializers.IntegerField()
    matched = serializers.IntegerField()
    would_block = serializers.IntegerField()
    would_review = serializers.IntegerField()
    would_allow = serializers.IntegerField()
    matched_fraud = serializers.IntegerField(help_text="Matched payments later confirmed fraud.")
    fraud_total = serializers.IntegerField()
    matched_amount = serializers.DictField(child=serializers.IntegerField())
    payments = serializers.ListField(child=serializers.CharField())

    def get_object(self, result) -> str:
        return "risk_rule_test"
