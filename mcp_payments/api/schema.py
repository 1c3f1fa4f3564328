"""OpenAPI generation: every operation documents the error envelope of API.md §1, and every
money operation that can wait for a human's approval documents its 202 (the pending
`agent_approval`)."""

from typing import Any

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from mcp_payments.agents.representations import AgentApprovalSerializer

from .pagination import MAX_LIMIT, MAX_LIST_LIMIT_DOC


class ErrorDetailSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[
            "invalid_request_error",
            "authentication_error",
            "permission_error",
            "card_error",
            "idempotency_error",
            "conflict_error",
            "rate_limit_error",
            "api_error",
        ]
    )
    code = serializers.CharField()
    message = serializers.CharField()
    param = serializers.CharField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_ERROR_STATUSES = {
    "400": "Invalid request (malformed JSON, unknown or invalid parameter)",
    "401": "Missing or invalid credentials",
    "403": "Not allowed for these credentials",
    "404": "No such object (or it belongs to another merchant)",
    "409": "Conflict with the object's state, or idempotency key in use",
    "422": "Idempotency key reused with a different request",
    "429": "Rate limited; see Retry-After",
    "500": "Internal error (the envelope, never a trace; code internal_error)",
}


_APPROVAL_DESCRIPTION = (
    "Waiting for approval: the caller's agent policy requires a human to approve this amount "
    "(approval_above). The pending agent_approval; once decided, the same request (or the "
    "approval's retry) gets the operation's own answer."
)

MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z
_TIMESTAMP = {"type": "integer", "minimum": 0, "maximum": MAX_TIMESTAMP}


def tighten_schema(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular post-processing hook: the document states what the server enforces.

    Request bodies refuse undeclared fields (`additionalProperties: false`, as StrictSerializer);
    every `limit` is 1..100; time filters (`created[...]`, `as_of`) are unix seconds (RFC 3339 is
    accepted as well). Returns the schema (changed in place)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component.setdefault("additionalProperties", False)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") != "query":
                    continue
                name = parameter.get("name", "")
                if name == "limit":
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}
                elif name == "as_of" or name.startswith("created["):
                    parameter["schema"] = _TIMESTAMP
    return result


def _list_parameters() -> list[OpenApiParameter]:
    """The parameters every list takes (pagination.paginate)."""
    created = [
        OpenApiParameter(
            f"created[{op}]",
            {"type": "integer", "minimum": 0, "maximum": MAX_TIMESTAMP},
            description=f"Only objects created {text} this time: unix seconds (an RFC 3339 "
            "timestamp is accepted too).",
        )
        for op, text in (
            ("gte", "at or after"),
            ("gt", "after"),
            ("lte", "at or before"),
            ("lt", "before"),
        )
    ]
    return [
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            description=MAX_LIST_LIMIT_DOC,
        ),
        OpenApiParameter(
            "starting_after",
            {"type": "string", "minLength": 1, "maxLength": 64},
            description="An object id (the previous page's `next_cursor`): the page after it.",
        ),
        *created,
    ]


class ApiAutoSchema(AutoSchema):
    def _is_list_operation(self) -> bool:
        if self.method != "GET":
            return False
        response = self.get_response_serializers()
        if isinstance(response, dict):
            response = response.get(200) or response.get("200")
        name = getattr(response, "__name__", "") or type(response).__name__
        return name.endswith("ListSerializer")

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self._is_list_operation():
            parameters.extend(_list_parameters())
        return parameters

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        """The view's FilterSet (`filterset_class`, api.filters) documents its list filters."""
        filterset_class = getattr(self.view, "filterset_class", None)
        if filterset_class is None or self.method != "GET":
            return super()._get_filter_parameters()
        extension = DjangoFilterExtension(None)
        model = filterset_class._meta.model
        parameters: list[dict[str, Any]] = []
        for name, declared in filterset_class.base_filters.items():
            parameters += extension.resolve_filter_field(
                self, model, filterset_class, name, declared
            )
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if not self.path.startswith("/api/v1/"):
            return responses
        if self.method == "POST" and getattr(self.view, "approvable", False):
            # ApiView._pending_approval: a caller's agent policy asks a human first.
            response = self._get_response_for_code(
                AgentApprovalSerializer, "202", direction=direction
            )
            response["description"] = _APPROVAL_DESCRIPTION
            responses.setdefault("202", response)
        for status, description in _ERROR_STATUSES.items():
            if status in responses:
                continue
            response = self._get_response_for_code(ErrorSerializer, status, direction=direction)
            response["description"] = description
            responses[status] = response
        return responses
