from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from mcp_payments.accounts.customers import register_customer_check
        from mcp_payments.events.representations import register_representation

        from . import representations as r
        from .models import Customer, Dispute, Payment, PaymentMethod, Refund
        from .selectors import customer_get

        register_representation(Customer, r.CustomerSerializer)
        register_representation(PaymentMethod, r.PaymentMethodSerializer)
        register_representation(Payment, r.PaymentSerializer)
        register_representation(Refund, r.RefundSerializer)
        register_representation(Dispute, r.DisputeSerializer)

        from mcp_payments.agents.operations import register_operation

        from .agent_operations import confirm_payment

        register_operation("confirm_payment", confirm_payment)
        register_customer_check(
            lambda *, context, customer_id, param: customer_get(
                context=context, customer_id=customer_id, param=param
            ).id
        )
