from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "mcp_payments.events"
    label = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        # Tracing is off unless TRACING_ENABLED is set (mcp_payments/tracing.py).
        from mcp_payments.tracing import configure_from_environment

        configure_from_environment()
