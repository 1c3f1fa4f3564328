"""Input shapes of the notifications API (types only: the services validate the values)."""

from rest_framework import serializers

from mcp_payments.api.serializers import MetadataField, StrictSerializer


class WebhookEndpointCreateSerializer(StrictSerializer):
    url = serializers.CharField(max_length=2048, help_text="https URL (API.md §5).")
    enabled_events = serializers.ListField(
        child=serializers.CharField(max_length=64),
        min_length=1,
        max_length=100,
        help_text='Event types (API.md §4), or ["*"] for all.',
    )
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    metadata = MetadataField(required=False)


class WebhookEndpointUpdateSerializer(StrictSerializer):
    url = serializers.CharField(max_length=2048, required=False)
    enabled_events = serializers.ListField(
        child=serializers.CharField(max_length=64), min_length=1, max_length=100, required=False
    )
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    metadata = MetadataField(required=False)
    status = serializers.ChoiceField(choices=["enabled", "disabled"], required=False)


class NotificationPreferencesUpdateSerializer(StrictSerializer):
    phone = serializers.CharField(
        max_length=32, required=False, allow_null=True, help_text="E.164; null removes it."
    )
    channels = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=16)),
        required=False,
        help_text='Per kind, the complete list of channels, e.g. {"payout.paid": ["email"]}.',
    )
