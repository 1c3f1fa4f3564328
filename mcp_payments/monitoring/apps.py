from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "mcp_payments.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
