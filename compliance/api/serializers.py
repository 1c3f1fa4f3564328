"""Output shapes of the audit log endpoints."""

from typing import Any

from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField


class AuditActorSerializer(serializers.Serializer):
    type = serializers.CharField(source="actor_type", help_text="api_key, user or system.")
    id = serializers.CharField(source="actor_id")


class AuditEntrySerializer(ObjectSerializer):
    """One privileged action; `chain_position`, `hash` and `prev_hash` are null until sealed."""

    object_name = "audit_entry"

    created = TimestampField()
    merchant = serializers.CharField(source="merchant_id", allow_null=True)
    actor = AuditActorSerializer(source="*")
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    request_id = serializers.CharField(allow_null=True)
    ip = serializers.CharField(allow_null=True)
    chain_position = serializers.IntegerField(
        allow_null=True, help_text="Position in the hash chain; null until sealed."
    )
    hash = serializers.CharField(allow_null=True)
    prev_hash = serializers.CharField(allow_null=True)


class AuditVerificationSerializer(serializers.Serializer):
    """Renders a `VerifyResult`."""

    object = serializers.SerializerMethodField()
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    first_broken_position = serializers.IntegerField(allow_null=True)
    first_broken_id = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)

    def get_object(self, instance: Any) -> str:
        return "audit_verification"
