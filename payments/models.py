from django.db import models

from mcp_payments.api.fields import PrefixedIdField


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
