"""WebSocket routes (API.md §6) and the ASGI application serving them."""

from channels.routing import URLRouter
from django.urls import path, re_path

from .consumers import (
    AlertsConsumer,
    ComplianceConsumer,
    DashboardConsumer,
    NotFoundConsumer,
    PaymentsConsumer,
)

websocket_urlpatterns = [
    path("ws/dashboard", DashboardConsumer.as_asgi()),
    path("ws/payments", PaymentsConsumer.as_asgi()),
    path("ws/alerts", AlertsConsumer.as_asgi()),
    path("ws/compliance", ComplianceConsumer.as_asgi()),
    re_path(r"", NotFoundConsumer.as_asgi()),
]


def websocket_application() -> URLRouter:
    """The `websocket` protocol's application. No session middleware: the consumers resolve the
    credentials (token or session cookie, realtime.auth) once, at connect; Channels' session
    middleware would also wrap every frame the server sends."""
    return URLRouter(websocket_urlpatterns)
