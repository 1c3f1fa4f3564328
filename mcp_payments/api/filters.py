"""List filters: django-filter FilterSets validate the query parameters of every list endpoint
(choices, types) and document them in the OpenAPI schema (drf-spectacular, `ApiAutoSchema`).

A list view names its FilterSet (`filterset_class`) and reads the cleaned values with
`query_filters`; the selector applies them (selectors own the queries, DESIGN.md). The shared
list parameters (`limit`, `starting_after`, `created[...]`) are read by `pagination.paginate`
and documented for every list by `ApiAutoSchema`.
"""

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

BOOLEAN_VALUES = {"true": True, "false": False}


class ListFilterSet(django_filters.FilterSet):
    """Base of the API's FilterSets (a marker for the schema; add filters in subclasses)."""


def _error(param: str, message: str) -> ValidationError:
    return ValidationError({param: [serializers.ErrorDetail(message, code="parameter_invalid")]})


def query_filters(request: Request, filterset_class: type[ListFilterSet]) -> dict[str, Any]:
    """The cleaned values of the filters present in the request's query string (absent or empty
    filters are left out). Raises ValidationError → 400 `parameter_invalid` naming the parameter: an
    unknown choice (the message lists the allowed values), a boolean other than true/false, a
    value of the wrong type. Reads only."""
    params = request.query_params
    filters = filterset_class.base_filters
    for name, declared in filters.items():
        raw = params.get(name)
        if not raw:
            continue  # absent or empty: no filter
        if isinstance(declared, django_filters.BooleanFilter) and raw not in BOOLEAN_VALUES:
            raise _error(name, f"{name} must be true or false.")
        choices = declared.extra.get("choices")
        if isinstance(declared, django_filters.ChoiceFilter) and choices is not None:
            allowed = [str(value) for value, _ in choices]
            if raw not in allowed:
                raise _error(name, f"{name} must be one of: {', '.join(allowed)}.")
    cleaned: dict[str, Any] = {}
    for name, declared in filters.items():
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        try:
            value = declared.field.clean(raw)  # the filter's own form field (types, choices)
        except DjangoValidationError as exc:
            raise _error(name, f"Invalid value for {name}: {exc.messages[0]}") from None
        if value is not None:
            cleaned[name] = value
    return cleaned
