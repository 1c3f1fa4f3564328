"""Cursor lists in the contract's shape: newest first, `limit`, `starting_after`, `created[...]`."""

from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_LIST_LIMIT_DOC = f"Page size, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})."


def _param_error(param: str, message: str) -> ValidationError:
    return ValidationError({param: [serializers.ErrorDetail(message, code="parameter_invalid")]})


def parse_limit(request: Request) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise _param_error("limit", "limit must be an integer between 1 and 100.") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise _param_error("limit", "limit must be an integer between 1 and 100.")
    return limit


def parse_timestamp(param: str, raw: str) -> datetime:
    """Unix seconds or an RFC 3339 timestamp."""
    try:
        if raw.lstrip("-").isdigit():
            return datetime.fromtimestamp(int(raw), tz=UTC)
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise _param_error(param, f"{param} must be unix seconds or RFC 3339.") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def filter_created(request: Request, queryset: QuerySet) -> QuerySet:
    lookups = {"gte": "gte", "gt": "gt", "lte": "lte", "lt": "lt"}
    for suffix, lookup in lookups.items():
        param = f"created[{suffix}]"
        raw = request.query_params.get(param)
        if raw is not None:
            queryset = queryset.filter(**{f"created__{lookup}": parse_timestamp(param, raw)})
    return queryset


def paginate(
    request: Request, queryset: QuerySet, serializer_class: type[serializers.Serializer]
) -> dict[str, Any]:
    """One page of `queryset`, newest first (ids are time-sortable)."""
    limit = parse_limit(request)
    queryset = filter_created(request, queryset)
    cursor = request.query_params.get("starting_after")
    if cursor is not None:
        if not cursor or len(cursor) > 64:
            raise _param_error("starting_after", "starting_after must be an object id.")
        queryset = queryset.filter(pk__lt=cursor)
    rows = list(queryset.order_by("-pk")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    return {
        "object": "list",
        "data": serializer_class(rows, many=True).data,
        "has_more": has_more,
        "next_cursor": rows[-1].pk if has_more else None,
    }


@cache
def list_serializer(item_serializer: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The OpenAPI shape of a list of `item_serializer` objects."""
    name = item_serializer.__name__.removesuffix("Serializer") + "ListSerializer"
    return type(
        name,
        (serializers.Serializer,),
        {
            "object": serializers.CharField(help_text="Always `list`."),
            "data": item_serializer(many=True),
            "has_more": serializers.BooleanField(),
            "next_cursor": serializers.CharField(allow_null=True),
        },
    )
