from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField


class AlertSerializer(ObjectSerializer):
    object_name = "compliance_alert"

    merchant = serializers.CharField(source="merchant_id", allow_null=True)
    kind = serializers.CharField()
    severity = serializers.CharField()
    status = serializers.CharField()
    object_id = serializers.CharField()
    details = serializers.DictField()
    created = TimestampField()
    resolved_at = TimestampField(allow_null=True)
