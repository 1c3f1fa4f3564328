"""PII redaction for the data-retention job (compliance.services.retention): which customers are
due, and the redaction itself. Money history (amounts, statuses, ledger) is never touched."""

from datetime import datetime

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from payments.models import Customer, Payment, PaymentMethod

PROFILE_FIELDS = ("name", "email", "phone", "description", "metadata")


def retention_candidates(
    *, merchant_id: str, cutoff: datetime, exclude: set[str]
) -> list[tuple[str, str]]:
    """[(customer_id, reason)] of the merchant's customers due for redaction at `cutoff`:
    `erased` (erased before cutoff) or `inactive` (no profile change and no payment since
    cutoff), minus `exclude`. Read only."""
    customers = (
        Customer.objects.filter(merchant_id=merchant_id)
        .exclude(pk__in=exclude)
        .annotate(
            last_payment=Subquery(
                Payment.objects.filter(customer_id=OuterRef("pk"))
                .order_by("-created")
                .values("created")[:1]
            )
        )
        .annotate(last_activity=Greatest("updated", Coalesce("last_payment", "updated")))
        .filter(Q(deleted_at__lt=cutoff) | Q(deleted_at__isnull=True, last_activity__lt=cutoff))
        .values_list("id", "deleted_at")
    )
    return [(cid, "erased" if deleted else "inactive") for cid, deleted in customers]


def customer_redact(*, customer_id: str) -> dict[str, int | list[str]]:
    """Redact one customer's PII: profile fields and metadata, the IP address of its payments and
    the metadata of its payment methods. Building block: runs in the caller's transaction. Returns
    {"fields": [...], "payments": n}."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("customer_redact() must run inside the caller's transaction")
    Customer.objects.filter(pk=customer_id).update(
        name=None, email=None, phone=None, description=None, metadata={}
    )
    payments = Payment.objects.filter(customer_id=customer_id, ip_address__isnull=False).update(
        ip_address=None
    )
    PaymentMethod.objects.filter(customer_id=customer_id).update(metadata={})
    return {"fields": [*PROFILE_FIELDS, "payment.ip_address"], "payments": payments}
