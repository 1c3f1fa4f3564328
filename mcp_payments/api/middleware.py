"""Request id on every request, response and log line."""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .ids import new_id
from .logging import request_id_var

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class RequestIdMiddleware:
    """Takes a well-formed `X-Request-Id` from the caller or makes one (`req_...`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-Id", "")
        request_id = incoming if _CLIENT_ID.match(incoming) else new_id("req")
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["Request-Id"] = request_id
        return response
