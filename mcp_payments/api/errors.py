"""One error type for the whole platform and the envelope of API.md §1.

Every app raises `ApplicationError` subclasses (its own `exceptions.py`); the DRF exception
handler, Django's error views and the MCP tools all render them through `error_body`.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A refused operation with a stable machine-readable code."""

    type = "invalid_request_error"
    code = "invalid_request"
    status = 400
    message = "The request could not be processed."
    param: str | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        param: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.message
        if code:
            self.code = code
        if param is not None:
            self.param = param
        self.extra = extra or {}
        super().__init__(self.message)


class InvalidRequest(ApplicationError):
    pass


class NotFound(ApplicationError):
    code = "resource_missing"
    status = 404
    message = "No such object."


class Conflict(ApplicationError):
    type = "conflict_error"
    code = "conflict"
    status = 409
    message = "The object's current state does not allow this."


class IdempotencyKeyReused(ApplicationError):
    type = "idempotency_error"
    code = "idempotency_key_reused"
    status = 422
    message = (
        "This Idempotency-Key was already used with a different request (method, path or body)."
    )


class IdempotencyKeyInUse(ApplicationError):
    type = "idempotency_error"
    code = "idempotency_key_in_use"
    status = 409
    message = "A request with this Idempotency-Key is still being processed; retry later."


def error_body(
    *, type: str, code: str, message: str, param: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {"error": {"type": type, "code": code, "message": message, "param": param, **extra}}


def application_error_body(exc: ApplicationError) -> dict[str, Any]:
    return error_body(
        type=exc.type, code=exc.code, message=exc.message, param=exc.param, **exc.extra
    )


_VALIDATION_CODES = {
    "required": "parameter_missing",
    "null": "parameter_missing",
    "blank": "parameter_invalid_empty",
    "max_length": "parameter_too_long",
    "min_length": "parameter_too_short",
    "invalid": "parameter_invalid",
    "invalid_choice": "parameter_invalid",
    "not_a_list": "parameter_invalid",
    "not_a_dict": "parameter_invalid",
    "max_value": "parameter_invalid",
    "min_value": "parameter_invalid",
    "date": "parameter_invalid",
    "datetime": "parameter_invalid",
    "does_not_exist": "resource_missing",
}


def _first_error(detail: Any, path: list[str]) -> tuple[list[str], drf.ErrorDetail | str]:
    if isinstance(detail, dict):
        key, value = next(iter(detail.items()))
        return _first_error(value, path if key == "non_field_errors" else [*path, str(key)])
    if isinstance(detail, list):
        for index, item in enumerate(detail):
            if item:
                nested = isinstance(item, dict | list) and len(detail) > 1
                return _first_error(item, [*path, str(index)] if nested else path)
        return path, "Invalid value."
    return path, detail


def _param_name(path: list[str]) -> str | None:
    """Stripe-style parameter path: `card[token]`, `metadata[key]`."""
    if not path:
        return None
    return path[0] + "".join(f"[{part}]" for part in path[1:])


def validation_error_body(exc: drf.ValidationError) -> dict[str, Any]:
    path, detail = _first_error(exc.detail, [])
    raw_code = getattr(detail, "code", "invalid") or "invalid"
    code = _VALIDATION_CODES.get(raw_code, raw_code)
    param = _param_name(path)
    message = str(detail)
    if param and message in {"This field is required.", "This field may not be null."}:
        message = f"Missing required parameter: {param}."
    return error_body(type="invalid_request_error", code=code, message=message, param=param)


_DRF_ERRORS: dict[type[drf.APIException], tuple[str, str]] = {
    drf.NotAuthenticated: ("authentication_error", "authentication_required"),
    drf.AuthenticationFailed: ("authentication_error", "invalid_credentials"),
    drf.PermissionDenied: ("permission_error", "permission_denied"),
    drf.NotFound: ("invalid_request_error", "resource_missing"),
    drf.MethodNotAllowed: ("invalid_request_error", "method_not_allowed"),
    drf.UnsupportedMediaType: ("invalid_request_error", "unsupported_media_type"),
    drf.NotAcceptable: ("invalid_request_error", "not_acceptable"),
    drf.ParseError: ("invalid_request_error", "invalid_json"),
    drf.Throttled: ("rate_limit_error", "rate_limited"),
}


def api_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: every error becomes the envelope, never a trace."""
    headers: dict[str, str] = {}
    if isinstance(exc, ApplicationError):
        return Response(application_error_body(exc), status=exc.status)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    if isinstance(exc, drf.ValidationError):
        return Response(validation_error_body(exc), status=400)
    if isinstance(exc, drf.APIException):
        error_type, code = next(
            (pair for cls, pair in _DRF_ERRORS.items() if isinstance(exc, cls)),
            ("api_error" if exc.status_code >= 500 else "invalid_request_error", "api_error"),
        )
        if isinstance(exc, drf.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
        if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
            headers["WWW-Authenticate"] = 'Bearer realm="api"'
        message = exc.detail if isinstance(exc.detail, str) else str(exc.default_detail)
        body = error_body(type=error_type, code=code, message=str(message))
        return Response(body, status=exc.status_code, headers=headers)
    logger.exception("unhandled error in API view")
    return Response(
        error_body(type="api_error", code="internal_error", message="An internal error occurred."),
        status=500,
    )
