from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, StrictSerializer, TimestampField


class EventSerializer(ObjectSerializer):
    object_name = "event"

    type = serializers.CharField()
    created = TimestampField()
    merchant = serializers.CharField(source="merchant_id", allow_null=True)
    data = serializers.DictField()
    request_id = serializers.CharField()
    sequence = serializers.IntegerField(
        help_text="Increases with each event of the same object: drop an older one."
    )


class DeadLetterSerializer(ObjectSerializer):
    object_name = "dead_letter"

    queue = serializers.CharField()
    event = serializers.CharField(source="event_id")
    event_type = serializers.CharField()
    subscriber = serializers.CharField()
    error = serializers.CharField()
    attempts = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["pending", "replayed"])
    created = TimestampField()
    replayed_at = TimestampField(allow_null=True)
    payload = serializers.DictField(help_text="The event as it was delivered.")


class DeadLetterReplaySerializer(StrictSerializer):
    """Exactly one of `all`, `queue`, `ids`."""

    all = serializers.BooleanField(required=False)
    queue = serializers.CharField(required=False)
    ids = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, min_length=1, max_length=1000
    )

    def validate(self, attrs: dict) -> dict:
        given = [key for key in ("all", "queue", "ids") if attrs.get(key)]
        if len(given) != 1:
            raise serializers.ValidationError(
                {
                    (given[1] if len(given) > 1 else "all"): [
                        serializers.ErrorDetail(
                            "Give exactly one of all (true), queue or ids.",
                            code="parameter_invalid",
                        )
                    ]
                }
            )
        return attrs


class DeadLetterReplayResultSerializer(serializers.Serializer):
    object = serializers.ChoiceField(choices=["dead_letter_replay"])
    replayed = serializers.IntegerField()
    dead_letters = serializers.ListField(child=serializers.CharField())
