from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField


class EventSerializer(ObjectSerializer):
    object_name = "event"

    type = serializers.CharField()
    created = TimestampField()
    merchant = serializers.CharField(source="merchant_id", allow_null=True)
    data = serializers.DictField()
    request_id = serializers.CharField()
