"""WebSocket routes (API.md §6) and the ASGI application serving them."""

from channels.auth import AuthMiddlewareStack
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


def websocket_application():
    """The `websocket` protocol's application: session cookie and user resolved (for dashboard
    users; token credentials are checked by the consumers), then the routes."""
    return AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
