from django.db import models

from mcp_payments.api.fields import PrefixedIdField
from mcp_payments.api.money import format_money

from .enums import CaptureMethod, PaymentStatus


class Customer(models.Model):
    """A merchant's customer. Erasure redacts the PII but keeps the row for money history."""

    id = PrefixedIdField("cus")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=256, null=True)
    email = models.CharField(max_length=512, null=True)
    phone = models.CharField(max_length=32, null=True)
    description = models.CharField(max_length=500, null=True)
    metadata = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Billing (BILLING.md §1): a sandbox test clock set at creation, and the non-cash credit
    # balance per currency (negative = credit the customer holds; never posted to the ledger).
    test_clock = models.ForeignKey(
        "billing.TestClock", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    balance = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "-id"], name="customer_merchant_newest"),
            models.Index(fields=["merchant", "email"], name="customer_merchant_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email or 'customer'} ({self.id})"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PaymentMethod(models.Model):
    """A card as the provider tokenized it: brand, last4, expiry, fingerprint — never a number."""

    id = PrefixedIdField("pm")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="payment_methods"
    )
    type = models.CharField(max_length=16, default="card")
    provider_token = models.CharField(max_length=64)
    brand = models.CharField(max_length=16)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    fingerprint = models.CharField(max_length=32)
    # Issuing country (ISO 3166-1 alpha-2) and funding (credit, debit, prepaid, unknown).
    country = models.CharField(max_length=2, null=True, blank=True)
    funding = models.CharField(max_length=8, null=True, blank=True)
    metadata = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    detached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "-id"], name="pm_merchant_newest"),
            models.Index(fields=["merchant", "fingerprint"], name="pm_merchant_fingerprint"),
        ]

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4} ({self.id})"


class MerchantPricing(models.Model):
    """Per merchant and currency: card fee `percent_bps` (1/100 of a percent) + `fixed_fee`, and
    how long captured funds stay pending before they become available."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    percent_bps = models.PositiveIntegerField(default=290)
    fixed_fee = models.PositiveIntegerField(default=30)
    dispute_fee = models.PositiveIntegerField(default=1500)
    settlement_delay_seconds = models.PositiveIntegerField(default=2 * 24 * 3600)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "currency"], name="pricing_per_currency")
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.currency}: {self.percent_bps}bps + {self.fixed_fee}"


class Payment(models.Model):
    """A PaymentIntent-style payment (API.md §3)."""

    id = PrefixedIdField("pay")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment_method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Top-ups credit this wallet instead of the merchant balance.
    wallet_id = models.CharField(max_length=40, null=True, blank=True)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=24, choices=PaymentStatus.choices)
    capture_method = models.CharField(
        max_length=9, choices=CaptureMethod.choices, default=CaptureMethod.AUTOMATIC
    )
    amount_capturable = models.BigIntegerField(default=0)
    amount_received = models.BigIntegerField(default=0)
    amount_refunded = models.BigIntegerField(default=0)
    fee = models.BigIntegerField(default=0)
    description = models.CharField(max_length=500, null=True, blank=True)
    metadata = models.JSONField(default=dict)
    last_payment_error = models.JSONField(null=True, blank=True)
    next_action = models.JSONField(null=True, blank=True)
    risk = models.JSONField(null=True, blank=True)
    provider_charge_id = models.CharField(max_length=64, null=True, blank=True)
    cancellation_reason = models.CharField(max_length=32, null=True, blank=True)
    authorized_at = models.DateTimeField(null=True, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    capture_entry_id = models.CharField(max_length=40, null=True, blank=True)
    # The buyer's IP address as the merchant saw it (risk attributes; redacted by retention).
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Where the money movement came from (api, dashboard, mcp) and the API key behind it
    # (an agent's key for MCP calls): analytics dimensions.
    source = models.CharField(max_length=16, default="api")
    api_key_id = models.CharField(max_length=64, null=True, blank=True)
    # The billing invoice (in_…) this payment attempts to pay (BILLING.md §4).
    invoice_id = models.CharField(max_length=40, null=True, blank=True)
    created = models.DateTimeField()
    updated = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "-id"], name="payment_merchant_newest"),
            models.Index(fields=["payment_method", "created"], name="payment_method_created"),
            models.Index(fields=["customer", "created"], name="payment_customer_created"),
            models.Index(
                fields=["ip_address", "created"],
                name="payment_ip_created",
                condition=models.Q(ip_address__isnull=False),
            ),
            models.Index(fields=["status", "updated"], name="payment_status_updated"),
            models.Index(
                fields=["captured_at"],
                name="payment_unsettled",
                condition=models.Q(settled_at__isnull=True, captured_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {format_money(self.amount, self.currency)} ({self.status})"

    @property
    def net(self) -> int:
        return self.amount_received - self.fee


class Refund(models.Model):
    id = PrefixedIdField("re")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10)
    reason = models.CharField(max_length=32, null=True, blank=True)
    failure_reason = models.CharField(max_length=64, null=True, blank=True)
    provider_refund_id = models.CharField(max_length=64, null=True, blank=True)
    metadata = models.JSONField(default=dict)
    entry_id = models.CharField(max_length=40, null=True, blank=True)
    created = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["merchant", "-id"], name="refund_merchant_newest")]

    def __str__(self) -> str:
        return f"{self.id} {format_money(self.amount, self.currency)} ({self.status})"


class Dispute(models.Model):
    id = PrefixedIdField("dp")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disputes")
    amount = models.BigIntegerField()
    fee = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16)
    reason = models.CharField(max_length=32)
    evidence = models.JSONField(default=dict)
    evidence_submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField()
    updated = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["merchant", "-id"], name="dispute_merchant_newest")]

    def __str__(self) -> str:
        return f"{self.id} {format_money(self.amount, self.currency)} ({self.status})"
