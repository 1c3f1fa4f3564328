from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "mcp_payments.events"
    label = "events"
    verbose_name = "Events"
