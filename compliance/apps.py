from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from mcp_payments.events.representations import register_representation

        from .models import Alert, RiskReview
        from .representations import AlertSerializer, RiskReviewSerializer

        register_representation(Alert, AlertSerializer)
        register_representation(RiskReview, RiskReviewSerializer)
