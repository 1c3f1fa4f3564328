"""The append-only, hash-chained audit log.

Rows are inserted unsealed (no lock, same transaction as the audited change) and chained later by
`compliance.services.audit.audit_seal`. The database refuses DELETE, and any UPDATE except the
one-time sealing of an unsealed row (migration 0002).
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Func

from mcp_payments.api.fields import PrefixedIdField
from mcp_payments.audit.models import SEQUENCE_NAME, ActorType, AuditEntry

__all__ = ["SEQUENCE_NAME", "ActorType", "AuditEntry"]


class AlertStatus(models.TextChoices):
    OPEN = "open"
    RESOLVED = "resolved"


class Alert(models.Model):
    """A compliance alert (AML rules, audit-chain failures), opened once per `dedupe_key`."""

    id = PrefixedIdField("alert")
    merchant_id = models.CharField(max_length=64, null=True, blank=True)
    kind = models.CharField(max_length=64)
    severity = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    object_id = models.CharField(max_length=100, blank=True, default="")
    details = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    dedupe_key = models.CharField(max_length=200, unique=True)
    created = models.DateTimeField(db_default=Func(function="statement_timestamp"))
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant_id", "-id"], name="compliance_alert_merchant"),
            models.Index(fields=["status", "-id"], name="compliance_alert_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} ({self.id})"


class ReviewStatus(models.TextChoices):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"


class RiskReview(models.Model):
    """A payment that scored `elevated`: it went through, and a person looks at it."""

    id = PrefixedIdField("rev")
    merchant_id = models.CharField(max_length=64)
    object_type = models.CharField(max_length=32, default="payment")
    object_id = models.CharField(max_length=64)
    score = models.PositiveSmallIntegerField()
    rules = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    decided_by = models.CharField(max_length=100, null=True, blank=True)
    note = models.CharField(max_length=500, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant_id", "-id"], name="risk_review_merchant"),
            models.Index(fields=["status", "-id"], name="risk_review_status"),
        ]

    def __str__(self) -> str:
        return f"{self.object_id} score {self.score} ({self.status})"


class BlockListEntry(models.Model):
    """A value that blocks payments: a card fingerprint, a customer email or a customer id."""

    class Kind(models.TextChoices):
        FINGERPRINT = "fingerprint"
        EMAIL = "email"
        CUSTOMER = "customer"

    merchant_id = models.CharField(max_length=64, null=True, blank=True, help_text="Empty: all")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=200)
    reason = models.CharField(max_length=200, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "block list entries"
        indexes = [models.Index(fields=["kind", "value"], name="block_list_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


# Regulatory reports (issue #16) live in their own module.
from .reports.models import ComplianceReport  # noqa: E402, F401
