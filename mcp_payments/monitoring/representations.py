from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField


class SystemAlertSerializer(ObjectSerializer):
    object_name = "system_alert"

    kind = serializers.CharField()
    severity = serializers.CharField()
    subject = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()
    created = TimestampField()
