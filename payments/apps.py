from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from mcp_payments.events.representations import register_representation

        from .models import Customer
        from .representations import CustomerSerializer

        register_representation(Customer, CustomerSerializer)
