from rest_framework import serializers

from mcp_payments.api.serializers import MetadataField, StrictSerializer


class CustomerWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=256, required=False, allow_null=True)
    email = serializers.EmailField(max_length=512, required=False, allow_null=True)
    phone = serializers.CharField(max_length=32, required=False, allow_null=True)
    description = serializers.CharField(max_length=500, required=False, allow_null=True)
    metadata = MetadataField(required=False)
