from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "payments.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from mcp_payments.events.representations import register_representation

        from . import models as m
        from . import representations as r

        register_representation(m.Product, r.ProductSerializer)
        register_representation(m.Price, r.PriceSerializer)
        register_representation(m.Coupon, r.CouponSerializer)
        register_representation(m.Subscription, r.SubscriptionSerializer)
        register_representation(m.Invoice, r.InvoiceSerializer)
        register_representation(m.InvoiceItem, r.InvoiceItemSerializer)
        register_representation(m.TestClock, r.TestClockSerializer)
