"""Refunds: partial and multiple, never more than was received, safe under concurrency (the
payment row is locked while the remaining amount is checked and the refund booked)."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit_many
from payments.enums import PaymentStatus, RefundStatus
from payments.exceptions import (
    PaymentNotFound,
    PaymentNotRefundable,
    ProviderUnavailableError,
    RefundExceedsPayment,
)
from payments.ledger_entries import refund_entry
from payments.models import Payment, Refund
from payments.providers import get_provider
from payments.providers.base import ProviderUnavailable, RefundResult
from wallets.ledger import post_entry


class _ProviderRefused(Exception):
    def __init__(self, result: RefundResult) -> None:
        self.result = result


def _record(context: AuthContext, refund: Refund) -> Refund:
    refund.save(force_insert=True)
    emit_many([("refund.created", refund), (f"refund.{refund.status}", refund)])
    audit_record(
        context=context,
        action="refund.created",
        object_type="refund",
        object_id=refund.id,
        merchant_id=refund.merchant_id,
        after={"payment": refund.payment_id, "amount": refund.amount, "status": refund.status},
    )
    return refund


def refund_create(
    *,
    context: AuthContext,
    payment_id: str,
    amount: int | None = None,
    reason: str | None = None,
    metadata: dict[str, str] | None = None,
) -> Refund:
    """Refund `amount` (default: all that remains). 409 unless the payment succeeded with money
    left; 400 when `amount` exceeds what remains. The ledger entry is posted before the provider
    is asked, so a refund the balance cannot cover (a spent top-up) never reaches the provider.
    Emits `refund.created` and `refund.succeeded` (or `refund.failed`); audited. The fee is not
    returned (Stripe's policy)."""
    try:
        with transaction.atomic():
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
            if amount > remaining:
                raise RefundExceedsPayment(
                    f"Cannot refund {amount}: only {remaining} remains refundable."
                )
            refund = Refund(
                merchant_id=payment.merchant_id,
                payment=payment,
                amount=amount,
                currency=payment.currency,
                status=RefundStatus.SUCCEEDED,
                reason=reason,
                metadata=metadata or {},
                created=timezone.now(),
            )
            entry = refund_entry(payment, refund)
            post_entry(entry)
            try:
                result = get_provider().refund(
                    charge_id=payment.provider_charge_id, amount=amount, reference=refund.id
                )
            except ProviderUnavailable:
                raise ProviderUnavailableError() from None
            if not result.succeeded:
                raise _ProviderRefused(result)
            refund.entry_id = entry.id
            refund.provider_refund_id = result.refund_id
            Payment.objects.filter(pk=payment.pk).update(
                amount_refunded=F("amount_refunded") + amount, updated=timezone.now()
            )
            return _record(context, refund)
    except _ProviderRefused as refused:
        refund.status = RefundStatus.FAILED
        refund.failure_reason = refused.result.failure_reason
        with transaction.atomic():
            return _record(context, refund)
