"""The data-retention job (beat, queue `compliance`): redact the PII of erased or inactive
customers once the merchant's retention period has passed, leaving money history intact; each
redaction audited and recorded for the `data_retention` report."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from compliance.models import RetentionPolicy, RetentionRedaction
from mcp_payments.accounts.models import Merchant
from mcp_payments.audit.records import audit_record
from payments.services.redaction import customer_redact, retention_candidates


def retention_days(merchant_id: str) -> int:
    """The merchant's retention period in days (its RetentionPolicy, else the default)."""
    policy = RetentionPolicy.objects.filter(merchant_id=merchant_id).first()
    return policy.retention_days if policy else settings.DATA_RETENTION_DEFAULT_DAYS


def retention_due(*, merchant_id: str, now: datetime | None = None) -> list[tuple[str, str]]:
    """[(customer_id, reason)] the job would redact for the merchant now (not yet redacted)."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days(merchant_id))
    done = set(
        RetentionRedaction.objects.filter(merchant_id=merchant_id).values_list(
            "customer_id", flat=True
        )
    )
    return retention_candidates(merchant_id=merchant_id, cutoff=cutoff, exclude=done)


def retention_run(*, now: datetime | None = None, limit: int = 500) -> int:
    """Redact up to `limit` due customers across merchants, one transaction per customer (the
    redaction, its RetentionRedaction row and its audit row together). Returns how many."""
    redacted = 0
    for merchant_id in Merchant.objects.values_list("id", flat=True).order_by("id"):
        for customer_id, reason in retention_due(merchant_id=merchant_id, now=now):
            if redacted >= limit:
                return redacted
            with transaction.atomic():
                result = customer_redact(customer_id=customer_id)
                record = RetentionRedaction.objects.create(
                    merchant_id=merchant_id,
                    customer_id=customer_id,
                    reason=reason,
                    fields=result["fields"],
                    payments_redacted=result["payments"],
                )
                audit_record(
                    context=None,
                    action="customer.retention_redacted",
                    object_type="customer",
                    object_id=customer_id,
                    merchant_id=merchant_id,
                    after={"reason": reason, "fields": record.fields},
                )
            redacted += 1
    return redacted


REPORT_COLUMNS = [
    "customer",
    "merchant",
    "reason",
    "state",
    "redacted_at",
    "fields",
    "payments_redacted",
]


def retention_report_rows(
    *, merchant_id: str | None, start: datetime, end: datetime, now: datetime | None = None
) -> list[dict[str, object]]:
    """The `data_retention` report (ANALYTICS.md §4): what the retention job redacted in
    [start, end) (state `redacted`) and what it will redact on its next run (state `due`), for
    one merchant or all (None). Read only."""
    redactions = RetentionRedaction.objects.filter(created__gte=start, created__lt=end)
    merchants = (
        [merchant_id]
        if merchant_id
        else list(Merchant.objects.values_list("id", flat=True).order_by("id"))
    )
    if merchant_id:
        redactions = redactions.filter(merchant_id=merchant_id)
    rows: list[dict[str, object]] = [
        {
            "customer": record.customer_id,
            "merchant": record.merchant_id,
            "reason": record.reason,
            "state": "redacted",
            "redacted_at": record.created.isoformat(),
            "fields": " ".join(record.fields),
            "payments_redacted": record.payments_redacted,
        }
        for record in redactions.order_by("created", "id")
    ]
    for merchant in merchants:
        rows += [
            {
                "customer": customer_id,
                "merchant": merchant,
                "reason": reason,
                "state": "due",
                "redacted_at": None,
                "fields": "",
                "payments_redacted": None,
            }
            for customer_id, reason in sorted(retention_due(merchant_id=merchant, now=now))
        ]
    return rows
