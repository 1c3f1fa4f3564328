"""Django-level error views (URL not found, bad host, crashes): the same JSON envelope."""

from django.http import HttpRequest, JsonResponse

from .errors import error_body


def _envelope(status: int, type_: str, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(type=type_, code=code, message=message), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _envelope(400, "invalid_request_error", "bad_request", "The request was malformed.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _envelope(403, "permission_error", "permission_denied", "You may not do this.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _envelope(
        404, "invalid_request_error", "resource_missing", f"Unrecognized URL: {request.path}"
    )


def server_error(request: HttpRequest) -> JsonResponse:
    return _envelope(500, "api_error", "internal_error", "An internal error occurred.")
