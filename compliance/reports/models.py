"""Regulatory and compliance reports (ANALYTICS.md §4): one row per generation, with its CSV and
JSON result kept for download."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from mcp_payments.api.fields import PrefixedIdField


class ComplianceReportKind(models.TextChoices):
    LARGE_TRANSACTIONS = "large_transactions"
    SUSPICIOUS_ACTIVITY = "suspicious_activity"
    AUDIT_EXPORT = "audit_export"
    DATA_RETENTION = "data_retention"


class ComplianceReportStatus(models.TextChoices):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ComplianceReport(models.Model):
    """A report over [period_start, period_end) for one merchant (null: platform-wide)."""

    id = PrefixedIdField("crpt")
    merchant_id = models.CharField(max_length=64, null=True, blank=True)
    kind = models.CharField(max_length=32, choices=ComplianceReportKind.choices)
    status = models.CharField(
        max_length=16,
        choices=ComplianceReportStatus.choices,
        default=ComplianceReportStatus.PENDING,
    )
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    parameters = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    requested_by = models.CharField(max_length=100)
    scheduled = models.BooleanField(default=False)
    row_count = models.IntegerField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    csv = models.TextField(null=True, blank=True)
    # audit_export: the chain verification ({ok, checked, first_broken_id, reason, ...}).
    verification = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=500, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant_id", "-id"], name="compliance_report_merchant"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start:%Y-%m-%d}..{self.period_end:%Y-%m-%d} ({self.id})"
