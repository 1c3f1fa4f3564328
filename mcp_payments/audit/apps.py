from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mcp_payments.audit"
    label = "audit"
    verbose_name = "Audit log"
