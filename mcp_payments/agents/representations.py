"""The API representation of an agent approval (REST, events and MCP's `get_approval`)."""

from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField

from .models import ApprovalStatus


class AgentApprovalSerializer(ObjectSerializer):
    object_name = "agent_approval"

    created = TimestampField()
    merchant = serializers.CharField(source="merchant_id")
    api_key = serializers.CharField(source="api_key_id")
    tool = serializers.CharField()
    arguments = serializers.DictField(help_text="The call's canonical arguments.")
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    idempotency_key = serializers.CharField(help_text="Used when the approved call runs.")
    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    reason = serializers.CharField()
    decided_by = serializers.SerializerMethodField()
    decided_at = TimestampField(allow_null=True)
    completed_at = TimestampField(allow_null=True)
    result = serializers.DictField(
        allow_null=True,
        help_text="After execution: the object the call created, or its error envelope.",
    )

    def get_decided_by(self, approval) -> str | None:
        return f"user:{approval.decided_by_id}" if approval.decided_by_id else None
