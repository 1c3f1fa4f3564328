from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from mcp_payments.events.representations import register_representation

        from .models import Report, ReportRun
        from .representations import ReportRunSerializer, ReportSerializer

        register_representation(Report, ReportSerializer)
        register_representation(ReportRun, ReportRunSerializer)
