"""Request id and client address on every request; one access log line per request."""

import ipaddress
import logging
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .ids import new_id
from .logging import client_ip_var, request_id_var

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
access_log = logging.getLogger("mcp_payments.access")


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the first X-Forwarded-For hop when the proxy is trusted."""
    candidate = request.META.get("REMOTE_ADDR")
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidate = forwarded.split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None


class RequestIdMiddleware:
    """Takes a well-formed `X-Request-Id` from the caller or makes one (`req_...`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-Id", "")
        request_id = incoming if _CLIENT_ID.match(incoming) else new_id("req")
        request.request_id = request_id
        id_token = request_id_var.set(request_id)
        ip_token = client_ip_var.set(client_ip(request))
        try:
            response = self.get_response(request)
            response["Request-Id"] = request_id
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            client_ip_var.reset(ip_token)
            request_id_var.reset(id_token)
