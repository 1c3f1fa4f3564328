"""JSON Schemas of tool inputs and outputs, generated from the DRF serializers the REST API
validates and renders with, so a tool's schema names and bounds its fields exactly like the
REST API (API.md §1) and cannot drift from it.

Only the field types the platform's serializers use are mapped; any other raises TypeError at
startup (add it here) rather than publishing a wrong schema.
"""

import copy
import inspect
import typing
from typing import Any

from drf_spectacular.types import OPENAPI_TYPE_MAPPING, OpenApiTypes
from rest_framework import serializers
from rest_framework.fields import _UnvalidatedField

from mcp_payments.api.money import MAX_AMOUNT, MIN_AMOUNT, SUPPORTED_CURRENCIES
from mcp_payments.api.serializers import (
    METADATA_KEY_MAX_LENGTH,
    METADATA_MAX_KEYS,
    METADATA_VALUE_MAX_LENGTH,
    AmountField,
    CurrencyField,
    MetadataField,
)

Schema = dict[str, Any]

_PYTHON_TYPES: dict[Any, Schema] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    dict: {"type": "object"},
    list: {"type": "array"},
}


def nullable(schema: Schema) -> Schema:
    """`schema` or null, spelled with `anyOf` (single-`type` dialects reject type arrays)."""
    description = schema.get("description")
    inner = {key: value for key, value in schema.items() if key not in ("description", "default")}
    result: Schema = {"anyOf": [inner, {"type": "null"}]}
    if description:
        result["description"] = description
    if "default" in schema:
        result["default"] = schema["default"]
    return result


def _nullable(schema: Schema, field: serializers.Field) -> Schema:
    if not getattr(field, "allow_null", False) or not schema:
        return schema  # an empty schema already accepts null
    return nullable(schema)


def _annotation_schema(annotation: Any, *, output: bool) -> Schema:
    """A SerializerMethodField's schema from its `extend_schema_field` or return annotation."""
    if inspect.isclass(annotation) and issubclass(annotation, serializers.BaseSerializer):
        return serializer_schema(annotation, output=output)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        schema = _annotation_schema(options[0], output=output) if len(options) == 1 else {}
        if schema and type(None) in typing.get_args(annotation):
            schema = nullable(schema)
        return schema
    return dict(_PYTHON_TYPES.get(origin or annotation, {}))


def _method_schema(field: serializers.SerializerMethodField, *, output: bool) -> Schema:
    """From `@extend_schema_field(...)` (a field or serializer, its class, an OpenApiTypes or a
    raw schema) or else the method's return annotation."""
    method = getattr(field.parent, field.method_name)
    annotated = getattr(method, "_spectacular_annotation", {}).get("field")
    if isinstance(annotated, serializers.Field):
        return field_schema(annotated, output=output)
    if isinstance(annotated, OpenApiTypes):
        return dict(OPENAPI_TYPE_MAPPING[annotated])
    if isinstance(annotated, dict):
        return dict(annotated)
    if annotated is not None:
        return _annotation_schema(annotated, output=output)
    hints = typing.get_type_hints(method)
    return _annotation_schema(hints.get("return"), output=output) if "return" in hints else {}


def _char_schema(field: serializers.CharField, *, output: bool) -> Schema:
    schema: Schema = {"type": "string"}
    if output:
        return schema  # what is stored, not what an input may be
    if field.max_length is not None:
        schema["maxLength"] = field.max_length
    if field.min_length is not None:
        schema["minLength"] = field.min_length
    elif not field.allow_blank:
        schema["minLength"] = 1
    if isinstance(field, serializers.EmailField):
        schema["format"] = "email"
    return schema


def _number_bounds(field: serializers.IntegerField, schema: Schema) -> Schema:
    if field.min_value is not None:
        schema["minimum"] = field.min_value
    if field.max_value is not None:
        schema["maximum"] = field.max_value
    return schema


def field_schema(field: serializers.Field, *, output: bool = False) -> Schema:
    """The JSON Schema of one DRF field (as input unless `output`). A field class may declare its
    own with a `json_schema` attribute (a free-form JSONField that takes a known shape)."""
    schema: Schema
    declared: Schema | None = getattr(field, "json_schema", None)
    if declared is not None:
        schema = copy.deepcopy(declared)
    elif isinstance(field, serializers.BaseSerializer):
        if isinstance(field, serializers.ListSerializer):
            schema = {"type": "array", "items": field_schema(field.child, output=output)}
        else:
            schema = serializer_schema(type(field), output=output)
    elif isinstance(field, AmountField):
        schema = {"type": "integer", "minimum": MIN_AMOUNT, "maximum": MAX_AMOUNT}
    elif isinstance(field, CurrencyField):
        schema = {"type": "string", "enum": sorted(SUPPORTED_CURRENCIES)}
    elif isinstance(field, MetadataField):
        schema = {
            "type": "object",
            "maxProperties": METADATA_MAX_KEYS,
            "propertyNames": {"minLength": 1, "maxLength": METADATA_KEY_MAX_LENGTH},
            "additionalProperties": {"type": "string", "maxLength": METADATA_VALUE_MAX_LENGTH},
        }
    elif isinstance(field, serializers.SerializerMethodField):
        schema = _method_schema(field, output=output)
    elif isinstance(field, serializers.DateTimeField):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, serializers.ChoiceField):
        schema = {"enum": list(field.choices)}
    elif isinstance(field, serializers.CharField):
        schema = _char_schema(field, output=output)
    elif isinstance(field, serializers.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, serializers.IntegerField):
        schema = _number_bounds(field, {"type": "integer"})
    elif isinstance(field, serializers.DictField):
        schema = {"type": "object"}
        child = field_schema(field.child, output=output)
        if child:
            schema["additionalProperties"] = child
    elif isinstance(field, serializers.ListField):
        schema = {"type": "array", "items": field_schema(field.child, output=output)}
        if field.min_length is not None:
            schema["minItems"] = field.min_length
        if field.max_length is not None:
            schema["maxItems"] = field.max_length
    elif isinstance(field, serializers.JSONField | serializers.ReadOnlyField) or type(field) in (
        serializers.Field,
        _UnvalidatedField,
    ):
        schema = {}  # any JSON value
    else:
        raise TypeError(f"No JSON Schema mapping for {type(field).__name__} ({field.field_name})")
    if field.help_text:
        schema["description"] = str(field.help_text)
    if not output and field.default is not serializers.empty and not callable(field.default):
        schema["default"] = field.default
    return _nullable(schema, field)


def serializer_schema(
    serializer_class: type[serializers.BaseSerializer], *, output: bool = False
) -> Schema:
    """The object schema of a serializer. Inputs list their required fields and refuse others
    (like `StrictSerializer`); outputs require nothing (an erased customer renders only its id)."""
    fields = serializer_class().fields
    properties = {
        name: field_schema(field, output=output)
        for name, field in fields.items()
        if (not field.write_only if output else not field.read_only)
    }
    object_name = getattr(serializer_class, "object_name", "")
    if output and object_name and "object" in properties:
        properties["object"] = {"const": object_name}
    schema: Schema = {"type": "object", "properties": properties}
    if not output:
        required = [name for name, item in fields.items() if item.required and not item.read_only]
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
    return schema
