"""Input shapes of the notifications API (types only: the services validate the values)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mcp_payments.api.serializers import MetadataField, StrictSerializer

from ..url_policy import MAX_URL_LENGTH, URL_PATTERN, URL_RULES


@extend_schema_field(
    {
        "type": "string",
        "format": "uri",
        "minLength": 1,
        "maxLength": MAX_URL_LENGTH,
        "pattern": URL_PATTERN,
        "description": URL_RULES,
    }
)
class WebhookUrlField(serializers.CharField):
    """A webhook endpoint's URL: a string here; url_policy checks it (its rules documented)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=MAX_URL_LENGTH, **kwargs)


class WebhookEndpointCreateSerializer(StrictSerializer):
    url = WebhookUrlField()
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
    url = WebhookUrlField(required=False)
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
