"""Input fields and the strict base serializer every write endpoint uses."""

from datetime import UTC
from functools import cache
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .money import MAX_AMOUNT, MIN_AMOUNT, SUPPORTED_CURRENCIES

METADATA_MAX_KEYS = 50
METADATA_KEY_MAX_LENGTH = 40
METADATA_VALUE_MAX_LENGTH = 500


def _type_error(field: serializers.Field, value: Any) -> str | None:
    """Why `value` is not of `field`'s JSON type (None when it is): DRF coerces `0` into "0",
    "yes" into True and "12" into 12; the API takes JSON types as they are."""
    if value is None:
        return None  # the field's own allow_null rule answers
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "must be a boolean (true or false)."
    if isinstance(field, serializers.CharField):
        return None if isinstance(value, str) else "must be a string."
    if isinstance(field, serializers.IntegerField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "must be an integer."
    string_enum = (
        isinstance(field, serializers.ChoiceField)
        and not isinstance(field, serializers.MultipleChoiceField)
        and all(isinstance(choice, str) for choice in field.choices)
    )
    if not string_enum:
        return None
    if not isinstance(value, str):
        return "must be a string."
    if value not in field.choices and not (value == "" and field.allow_blank):
        return f"{value!r} is not one of: {', '.join(map(str, field.choices))}."
    return None


def _strict_types(field: serializers.Field, value: Any) -> Any:
    """The first type error under `field` as a DRF error detail (nested for lists and dicts), or
    None."""
    if isinstance(field, MetadataField):
        return None  # its own rules and codes (metadata_invalid)
    problem = _type_error(field, value)
    if problem:
        return [serializers.ErrorDetail(f"Invalid value: {problem}", code="invalid")]
    child = getattr(field, "child", None)
    if isinstance(field, serializers.ListField) and isinstance(value, list) and child:
        for index, item in enumerate(value):
            detail = _strict_types(child, item)
            if detail:
                return {str(index): detail}
    if isinstance(field, serializers.DictField) and isinstance(value, dict) and child:
        for key, item in value.items():
            detail = _strict_types(child, item)
            if detail:
                return {str(key): detail}
    return None


def valid(serializer_class: type[serializers.Serializer], data: Any) -> serializers.Serializer:
    """`serializer_class(data=data)`, validated: the one way views check a request body. Raises
    DRF's ValidationError (400 `invalid_request_error` with the field as `param`)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """The validated data of `valid(serializer_class, data)`, as a plain dict."""
    return dict(valid(serializer_class, data).validated_data)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare (`parameter_unknown`, with `param` set), and values of
    the wrong JSON type (`parameter_invalid`): a string field takes only a string, a boolean
    only true/false, an integer only an integer, a string enum only a string."""

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
            for name, field in self.fields.items():
                if name in data and not field.read_only:
                    detail = _strict_types(field, data[name])
                    if detail:
                        raise serializers.ValidationError({name: detail})
        return super().to_internal_value(data)


@extend_schema_field(
    {"type": "integer", "format": "int64", "minimum": MIN_AMOUNT, "maximum": MAX_AMOUNT}
)
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


@extend_schema_field({"type": "string", "enum": sorted(SUPPORTED_CURRENCIES)})
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


@extend_schema_field(
    {
        "type": "object",
        "maxProperties": METADATA_MAX_KEYS,
        "additionalProperties": {"type": "string", "maxLength": METADATA_VALUE_MAX_LENGTH},
        "description": f"Up to {METADATA_MAX_KEYS} string key/value pairs; keys 1 to "
        f"{METADATA_KEY_MAX_LENGTH} characters, values at most {METADATA_VALUE_MAX_LENGTH}.",
    }
)
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


@cache
def deleted_serializer(object_name: str) -> type[serializers.Serializer]:
    """The OpenAPI shape of a deleted object: `{"id", "object": object_name, "deleted": true}`."""
    name = "Deleted" + "".join(part.title() for part in object_name.split("_")) + "Serializer"
    return type(
        name,
        (serializers.Serializer,),
        {
            "id": serializers.CharField(),
            "object": serializers.ChoiceField(choices=[object_name]),
            "deleted": serializers.ChoiceField(choices=[(True, "true")], help_text="Always true."),
        },
    )
