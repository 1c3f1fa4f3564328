from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mcp_payments.api"
    label = "api"
    verbose_name = "API kernel"
