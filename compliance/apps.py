from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from mcp_payments.events.representations import register_representation

        from .models import Alert
        from .representations import AlertSerializer

        register_representation(Alert, AlertSerializer)
