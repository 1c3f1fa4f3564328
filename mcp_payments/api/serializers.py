"""Input fields and the strict base serializer every write endpoint uses."""

from datetime import UTC
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .money import MAX_AMOUNT, MIN_AMOUNT, SUPPORTED_CURRENCIES

METADATA_MAX_KEYS = 50
METADATA_KEY_MAX_LENGTH = 40
METADATA_VALUE_MAX_LENGTH = 500


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare (`parameter_unknown`, with `param` set)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                raise serializers.ValidationError(
                    {
                        unknown[0]: [
                            serializers.ErrorDetail(
                                f"Received unknown parameter: {unknown[0]}.",
                                code="parameter_unknown",
                            )
                        ]
                    }
                )
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.INT64)
class AmountField(serializers.Field):
    """A JSON integer in minor units; strings, floats and booleans are refused."""

    default_error_messages = {
        "invalid": "Amount must be an integer in the currency's minor unit (e.g. cents).",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Integer amount in the currency's minor unit.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        if data < MIN_AMOUNT:
            raise serializers.ValidationError(
                f"Amount must be at least {MIN_AMOUNT}.", code="amount_too_small"
            )
        if data > MAX_AMOUNT:
            raise serializers.ValidationError(
                f"Amount must be at most {MAX_AMOUNT}.", code="amount_too_large"
            )
        return data

    def to_representation(self, value: int) -> int:
        return int(value)


class CurrencyField(serializers.CharField):
    """A lowercase ISO 4217 code from the supported set."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("help_text", "Lowercase ISO 4217 code, e.g. `usd`.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError("Currency must be a string.", code="invalid")
        value = data.strip()
        if value not in SUPPORTED_CURRENCIES:
            raise serializers.ValidationError(
                f"Unsupported currency: {data!r}. Use a lowercase ISO 4217 code such as 'usd'.",
                code="currency_not_supported",
            )
        return value


class MetadataField(serializers.DictField):
    """Up to 50 string keys (≤ 40 chars) with string values (≤ 500 chars)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.CharField(allow_blank=True, trim_whitespace=False))
        kwargs.setdefault("help_text", "Up to 50 string key/value pairs.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, str]:
        if not isinstance(data, dict):
            raise serializers.ValidationError("Metadata must be an object.", code="invalid")
        if len(data) > METADATA_MAX_KEYS:
            raise serializers.ValidationError(
                f"Metadata may have at most {METADATA_MAX_KEYS} keys.", code="metadata_invalid"
            )
        for key, value in data.items():
            if not key or len(key) > METADATA_KEY_MAX_LENGTH:
                raise serializers.ValidationError(
                    {
                        key: [
                            serializers.ErrorDetail(
                                f"Metadata keys must be 1 to {METADATA_KEY_MAX_LENGTH} characters.",
                                code="metadata_invalid",
                            )
                        ]
                    }
                )
            if not isinstance(value, str) or len(value) > METADATA_VALUE_MAX_LENGTH:
                raise serializers.ValidationError(
                    {
                        key: [
                            serializers.ErrorDetail(
                                f"Metadata values must be strings of at most "
                                f"{METADATA_VALUE_MAX_LENGTH} characters.",
                                code="metadata_invalid",
                            )
                        ]
                    }
                )
        return dict(data)


class ObjectSerializer(serializers.Serializer):
    """Output base: `id`, the `object` type name, then the subclass's fields."""

    object_name: str = ""

    id = serializers.CharField(read_only=True)
    object = serializers.SerializerMethodField()

    def get_object(self, instance: Any) -> str:
        return self.object_name


class TimestampField(serializers.DateTimeField):
    """RFC 3339 UTC with a `Z` suffix and whole seconds."""

    def to_representation(self, value: Any) -> str | None:
        if value is None:
            return None
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
