"""API representations of notifications objects (REST API, events, MCP). No representation
includes a webhook secret: it is returned once, by create and rotate_secret, outside of these."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField

from .enums import NOTIFICATION_KINDS, Channel


class WebhookEndpointSerializer(ObjectSerializer):
    object_name = "webhook_endpoint"

    created = TimestampField()
    url = serializers.CharField()
    enabled_events = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(choices=["enabled", "disabled"])
    description = serializers.CharField()
    metadata = serializers.DictField(child=serializers.CharField())
    livemode = serializers.BooleanField(
        help_text="Created with a live key: https to public addresses only."
    )
    disabled_at = TimestampField(allow_null=True)
    previous_secret_expires_at = TimestampField(
        allow_null=True, help_text="Until then the previous secret signs too (rotation)."
    )


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """Create and rotate_secret only: the signing secret, shown this once."""

    secret = serializers.CharField(help_text="`whsec_...`: store it now, it is not shown again.")


class DeletedWebhookEndpointSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.ChoiceField(choices=["webhook_endpoint"])
    deleted = serializers.BooleanField()


class AttemptErrorSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="e.g. ReadTimeoutError, ProtocolError, UnsafeUrl")
    message = serializers.CharField()


class WebhookAttemptSerializer(serializers.Serializer):
    attempted_at = TimestampField()
    succeeded = serializers.BooleanField()
    status_code = serializers.IntegerField(allow_null=True)
    latency_ms = serializers.IntegerField()
    response_body = serializers.CharField(help_text="The first 1 KB of the response body.")
    error = serializers.SerializerMethodField()
    manual = serializers.BooleanField(help_text="Sent by a retry request, not by the schedule.")

    @extend_schema_field(AttemptErrorSerializer(allow_null=True))
    def get_error(self, attempt: Any) -> dict[str, str] | None:
        if not attempt.error_type:
            return None
        return {"type": attempt.error_type, "message": attempt.error_message}


class WebhookDeliverySerializer(ObjectSerializer):
    object_name = "webhook_delivery"

    created = TimestampField()
    endpoint = serializers.CharField(source="endpoint_id")
    event = serializers.CharField(source="event_id")
    event_type = serializers.CharField()
    status = serializers.ChoiceField(choices=["pending", "succeeded", "failed"])
    attempt_count = serializers.IntegerField()
    next_attempt_at = serializers.SerializerMethodField()
    completed_at = TimestampField(allow_null=True)
    attempts = WebhookAttemptSerializer(many=True, help_text="Oldest first.")

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_attempt_at(self, delivery: Any) -> str | None:
        if delivery.status != "pending":
            return None
        return TimestampField().to_representation(delivery.next_attempt_at)


class NotificationSerializer(ObjectSerializer):
    object_name = "notification"

    created = TimestampField()
    user = serializers.IntegerField(source="user_id")
    merchant = serializers.CharField(source="merchant_id")
    kind = serializers.ChoiceField(choices=list(NOTIFICATION_KINDS))
    title = serializers.CharField()
    body = serializers.CharField()
    object_id = serializers.CharField(help_text="The object the notification is about.")
    event = serializers.CharField(source="event_id")
    read = serializers.SerializerMethodField()
    read_at = TimestampField(allow_null=True)

    def get_read(self, notification: Any) -> bool:
        return notification.read_at is not None


class NotificationPreferencesSerializer(serializers.Serializer):
    object = serializers.ChoiceField(choices=["notification_preferences"])
    phone = serializers.CharField(allow_null=True, help_text="E.164, for SMS alerts.")
    channels = serializers.DictField(
        child=serializers.ListField(child=serializers.ChoiceField(choices=Channel.values)),
        help_text="Per notification kind, the channels it is sent on.",
    )
