from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from mcp_payments.events.representations import register_representation

        from . import representations as r
        from .models import Alert, BlockListEntry, CustomerKyc, RiskModel, RiskReview, RiskRule

        register_representation(Alert, r.AlertSerializer)
        register_representation(RiskReview, r.RiskReviewSerializer)
        register_representation(RiskRule, r.RiskRuleSerializer)
        register_representation(BlockListEntry, r.BlockListEntrySerializer)
        register_representation(CustomerKyc, r.CustomerKycSerializer)
        register_representation(RiskModel, r.RiskModelSerializer)
