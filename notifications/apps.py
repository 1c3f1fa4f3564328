from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from mcp_payments.events.representations import register_representation

        from .models import Notification, WebhookEndpoint
        from .representations import NotificationSerializer, WebhookEndpointSerializer

        register_representation(WebhookEndpoint, WebhookEndpointSerializer)
        register_representation(Notification, NotificationSerializer)
