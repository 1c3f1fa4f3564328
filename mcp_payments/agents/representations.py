"""The API representation of an agent approval (REST, the 202 answer, events and MCP's
`get_approval`): API.md §7, docs/api.md "Approvals"."""

from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField

from .models import ApprovalStatus
from .redaction import redact_arguments


class AgentApprovalSerializer(ObjectSerializer):
    object_name = "agent_approval"

    created = TimestampField()
    merchant = serializers.CharField(source="merchant_id")
    api_key = serializers.CharField(source="api_key_id", allow_null=True)
    owner = serializers.CharField(help_text="key_… or assistant:mer_… (the policy's owner).")
    interface = serializers.CharField(help_text="rest or mcp: where the call was made.")
    operation = serializers.CharField(source="tool", help_text="The operation (tool) name.")
    tool = serializers.CharField(help_text="Same as operation (kept for MCP clients).")
    arguments = serializers.SerializerMethodField(help_text="The call's arguments, PII redacted.")
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    policy_verdict = serializers.DictField()
    idempotency_key = serializers.CharField(help_text="The call's (given or derived) key.")
    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    reason = serializers.CharField()
    decided_by = serializers.SerializerMethodField()
    decided_at = TimestampField(allow_null=True)
    completed_at = TimestampField(allow_null=True)
    expires_at = TimestampField(allow_null=True)
    result = serializers.DictField(
        allow_null=True,
        help_text="After execution: the object the call created, or its error envelope.",
    )

    def get_arguments(self, approval) -> dict:
        return redact_arguments(approval.arguments)

    def get_decided_by(self, approval) -> str | None:
        return f"user:{approval.decided_by_id}" if approval.decided_by_id else None
