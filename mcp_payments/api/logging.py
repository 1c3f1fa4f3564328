"""Request id propagation into every log line."""

import contextvars
import logging

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
# The caller's address, for the audit log.
client_ip_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "client_ip", default=None
)
# The interface a call came through when it is not the REST API ("mcp"): recorded as a
# payment's `source` for analytics.
interface_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "interface", default=None
)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs a response after the middleware has left the request's context.
        request = getattr(record, "request", None)
        record.request_id = request_id_var.get() or getattr(request, "request_id", None)
        return True
