"""The append-only, hash-chained audit log.

Rows are inserted unsealed (no lock, same transaction as the audited change) and chained later by
`compliance.services.audit.audit_seal`. The database refuses DELETE, and any UPDATE except the
one-time sealing of an unsealed row (migration 0002).
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Func, Q, Value

from mcp_payments.api.fields import PrefixedIdField

SEQUENCE_NAME = "compliance_audit_seq"


class ActorType(models.TextChoices):
    API_KEY = "api_key"
    USER = "user"
    SYSTEM = "system"


class AuditEntry(models.Model):
    """One privileged action. Content columns never change; the chain columns are set once."""

    id = PrefixedIdField("aud")
    # Insertion order within a transaction; the chain order is (txid, seq).
    seq = models.BigIntegerField(
        unique=True, editable=False, db_default=Func(Value(SEQUENCE_NAME), function="nextval")
    )
    # The writing transaction (txid_current(), forced by the insert trigger as well).
    txid = models.BigIntegerField(editable=False, db_default=Func(function="txid_current"))
    created = models.DateTimeField(db_default=Func(function="statement_timestamp"))
    merchant_id = models.CharField(max_length=64, null=True, blank=True)
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_id = models.CharField(max_length=100)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=100)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    request_id = models.CharField(max_length=64, null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # The chain: NULL until sealed.
    chain_position = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, null=True, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["merchant_id", "-id"], name="compliance_audit_merchant"),
            models.Index(fields=["object_id"], name="compliance_audit_object"),
            models.Index(fields=["actor_id"], name="compliance_audit_actor"),
            models.Index(
                fields=["txid", "seq"],
                condition=Q(hash__isnull=True),
                name="compliance_audit_unsealed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.action} {self.object_type}:{self.object_id}"


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
