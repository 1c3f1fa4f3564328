"""Refunds: partial and multiple, never more than was received, safe under concurrency (the
payment row is locked while the remaining amount is checked and the intent recorded), and the
provider asked outside any transaction or lock."""

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.agents.enforcement import policy_enforce
from mcp_payments.agents.planning import service_transaction
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit
from payments.enums import PaymentStatus, RefundStatus
from payments.exceptions import (
    PaymentNotFound,
    PaymentNotRefundable,
    ProviderUnavailableError,
    RefundExceedsPayment,
)
from payments.ledger_entries import refund_entry, refund_reversal_entry
from payments.models import Payment, Refund
from payments.providers import get_provider
from payments.providers.base import ProviderUnavailable, RefundResult
from wallets.ledger import post_entry


def refund_create(
    *,
    context: AuthContext,
    payment_id: str,
    amount: int | None = None,
    reason: str | None = None,
    metadata: dict[str, str] | None = None,
) -> Refund:
    """Refund `amount` (default: all that remains). 409 unless the payment succeeded with money
    left; 400 when `amount` exceeds what remains. The fee is not returned (Stripe's policy).

    Three steps, never holding the payment's lock across the provider call: (1) record the
    intent — a `pending` refund, its ledger entry (so a refund the balance cannot cover, a spent
    top-up, never reaches the provider) and the refunded amount, with `refund.created`; (2) ask
    the provider; (3) book the answer (`refund_book_outcome`: `refund.succeeded`, or
    `refund.failed` with a reversing entry). A crash between (1) and (3) leaves a `pending`
    refund that `refunds_reconcile_pending` resolves from the provider's record. Audited."""
    with service_transaction():
        payments = Payment.objects.select_for_update(of=("self",))
        if context.merchant is not None:
            payments = payments.filter(merchant=context.merchant)
        payment = payments.filter(pk=payment_id).first()
        if payment is None:
            raise PaymentNotFound(f"No such payment: '{payment_id}'", param="payment")
        remaining = payment.amount_received - payment.amount_refunded
        if payment.status != PaymentStatus.SUCCEEDED or remaining <= 0:
            raise PaymentNotRefundable(param="payment")
        amount = remaining if amount is None else amount
        policy_enforce(
            context=context, operation="create_refund", amount=amount, currency=payment.currency
        )
        if amount > remaining:
            raise RefundExceedsPayment(
                f"Cannot refund {amount}: only {remaining} remains refundable."
            )
        refund = Refund(
            merchant_id=payment.merchant_id,
            payment=payment,
            amount=amount,
            currency=payment.currency,
            status=RefundStatus.PENDING,
            reason=reason,
            metadata=metadata or {},
            created=timezone.now(),
        )
        entry = refund_entry(payment, refund)
        post_entry(entry)
        refund.entry_id = entry.id
        Payment.objects.filter(pk=payment.pk).update(
            amount_refunded=F("amount_refunded") + amount, updated=timezone.now()
        )
        refund.save(force_insert=True)
        emit("refund.created", refund)
        _audit(context, refund, "refund.created")
    try:
        result = get_provider().refund(
            charge_id=payment.provider_charge_id, amount=amount, reference=refund.id
        )
    except ProviderUnavailable:
        refund_book_outcome(
            context=context,
            refund_id=refund.id,
            result=RefundResult(succeeded=False, failure_reason="provider_unavailable"),
        )
        raise ProviderUnavailableError() from None
    return refund_book_outcome(context=context, refund_id=refund.id, result=result)


def _audit(context: AuthContext | None, refund: Refund, action: str) -> None:
    audit_record(
        context=context,
        action=action,
        object_type="refund",
        object_id=refund.id,
        merchant_id=refund.merchant_id,
        after={"payment": refund.payment_id, "amount": refund.amount, "status": refund.status},
    )


def refund_book_outcome(
    *, context: AuthContext | None, refund_id: str, result: RefundResult
) -> Refund:
    """Book the provider's answer for a `pending` refund (one already resolved is returned
    unchanged, so reconciliation and the caller cannot book twice). Success: `succeeded`,
    `refund.succeeded`. Failure: a reversing ledger entry, the refunded amount given back,
    `failed` with `failure_reason`, `refund.failed`."""
    with service_transaction():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
        if refund.status != RefundStatus.PENDING:
            return refund
        if result.succeeded:
            refund.status = RefundStatus.SUCCEEDED
            refund.provider_refund_id = result.refund_id
            refund.save(update_fields=["status", "provider_refund_id"])
        else:
            post_entry(refund_reversal_entry(refund.payment, refund))
            Payment.objects.filter(pk=refund.payment_id).update(
                amount_refunded=F("amount_refunded") - refund.amount, updated=timezone.now()
            )
            refund.status = RefundStatus.FAILED
            refund.failure_reason = result.failure_reason
            refund.save(update_fields=["status", "failure_reason"])
        emit(f"refund.{refund.status}", refund)
        _audit(context, refund, f"refund.{refund.status}")
        return refund


def refunds_reconcile_pending(*, limit: int = 200) -> int:
    """Resolve refunds `pending` for longer than RECONCILE_AFTER_SECONDS (a crash between the
    provider call and its booking) from the provider's record: found → succeeded; unknown to
    the provider → failed and reversed. Returns how many were resolved."""
    cutoff = timezone.now() - timedelta(seconds=settings.RECONCILE_AFTER_SECONDS)
    stuck = list(
        Refund.objects.filter(status=RefundStatus.PENDING, created__lt=cutoff)
        .order_by("created")
        .values_list("pk", flat=True)[:limit]
    )
    provider = get_provider()
    for refund_id in stuck:
        found = provider.refund_status(reference=refund_id)
        result = found or RefundResult(succeeded=False, failure_reason="not_found_at_provider")
        refund_book_outcome(context=None, refund_id=refund_id, result=result)
    return len(stuck)
