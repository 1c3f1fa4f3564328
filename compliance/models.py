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
    """A value that blocks payments: a card fingerprint, an email, an email domain, an IP address
    or a customer id; optionally until `expires_at`. Removal is soft (`deleted_at`) so backtests
    see the list as it was at each payment's time."""

    class Kind(models.TextChoices):
        FINGERPRINT = "fingerprint"
        EMAIL = "email"
        EMAIL_DOMAIN = "email_domain"
        IP = "ip"
        CUSTOMER = "customer"

    id = PrefixedIdField("bl")
    merchant_id = models.CharField(max_length=64, null=True, blank=True, help_text="Empty: all")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=200)
    reason = models.CharField(max_length=200, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "block list entries"
        indexes = [models.Index(fields=["kind", "value"], name="block_list_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class RuleAction(models.TextChoices):
    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


class RiskRule(models.Model):
    """A merchant's rule: an expression (compliance.rules.expression) and an action, evaluated in
    `position` order; the first enabled rule that matches decides."""

    id = PrefixedIdField("rule")
    merchant_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    expression = models.CharField(max_length=1000)
    action = models.CharField(max_length=8, choices=RuleAction.choices)
    position = models.PositiveIntegerField(default=0)
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["merchant_id", "position"], name="risk_rule_order")]

    def __str__(self) -> str:
        return f"{self.name} → {self.action} ({self.id})"


class RiskModelStatus(models.TextChoices):
    TRAINING = "training"
    ACTIVE = "active"
    RETIRED = "retired"
    FAILED = "failed"


class RiskModel(models.Model):
    """One trained version of the platform's fraud model: the fitted estimator (joblib bytes),
    the feature list, training metrics and the data it saw. One `active` version at a time."""

    id = PrefixedIdField("rmod")
    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=16, choices=RiskModelStatus.choices)
    source = models.CharField(max_length=16, default="platform")
    features = models.JSONField(default=list)
    metrics = models.JSONField(default=dict)
    params = models.JSONField(default=dict)
    artifact = models.BinaryField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=500, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    trained_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"risk model v{self.version} ({self.status})"


class KycStatus(models.TextChoices):
    UNVERIFIED = "unverified"
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class CustomerKyc(models.Model):
    """A customer's KYC state (no row: `unverified`)."""

    customer_id = models.CharField(max_length=40, primary_key=True)
    merchant_id = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=KycStatus.choices)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "customer KYC state"

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.status}"


class RetentionPolicy(models.Model):
    """A merchant's data-retention period (default: settings.DATA_RETENTION_DEFAULT_DAYS)."""

    merchant_id = models.CharField(max_length=64, primary_key=True)
    retention_days = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "retention policies"

    def __str__(self) -> str:
        return f"{self.merchant_id}: {self.retention_days} days"


class RetentionRedaction(models.Model):
    """What the data-retention job redacted, for the `data_retention` report."""

    id = PrefixedIdField("red")
    merchant_id = models.CharField(max_length=64)
    customer_id = models.CharField(max_length=40)
    reason = models.CharField(max_length=16)  # erased | inactive
    fields = models.JSONField(default=list)
    payments_redacted = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["merchant_id", "-created"], name="retention_merchant")]

    def __str__(self) -> str:
        return f"{self.customer_id} ({self.reason})"


# Regulatory reports (issue #16) live in their own module.
from .reports.models import ComplianceReport  # noqa: E402, F401
