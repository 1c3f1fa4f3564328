"""API representations of payments objects: used by the REST API, events and MCP alike."""

from typing import Any

from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField


class CustomerSerializer(ObjectSerializer):
    object_name = "customer"

    created = TimestampField()
    name = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())
    deleted = serializers.BooleanField(source="is_deleted")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if instance.is_deleted:
            return {"id": instance.id, "object": "customer", "deleted": True}
        return super().to_representation(instance)
