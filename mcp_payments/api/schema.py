"""OpenAPI generation: every operation documents the error envelope of API.md §1."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


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
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if not self.path.startswith("/api/v1/"):
            return responses
        for status, description in _ERROR_STATUSES.items():
            if status in responses:
                continue
            response = self._get_response_for_code(ErrorSerializer, status, direction=direction)
            response["description"] = description
            responses[status] = response
        return responses
