from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mcp_payments.accounts"
    label = "accounts"
    verbose_name = "Merchants and access"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the OpenAPI auth extensions)
