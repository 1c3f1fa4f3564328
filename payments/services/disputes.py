"""Disputes: opened by the provider (the sandbox's tok_createDispute), funds reserved at once;
the merchant submits evidence or accepts; the outcome returns or releases the reserve."""

from django.db import transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.audit.records import audit_record
from mcp_payments.events.jobs import enqueue_on_commit
from mcp_payments.events.services import emit
from payments.enums import DisputeStatus, PaymentStatus
from payments.exceptions import DisputeClosed, DisputeNotFound
from payments.fees import pricing_for
from payments.ledger_entries import dispute_closed_entry, dispute_opened_entry
from payments.models import Dispute, Payment
from wallets.ledger import post_entry

OPEN_STATUSES = (DisputeStatus.NEEDS_RESPONSE, DisputeStatus.UNDER_REVIEW)
# The sandbox decides a dispute with evidence by this marker, like Stripe's test mode.
WINNING_EVIDENCE = "winning_evidence"


def _audit(context: AuthContext | None, dispute: Dispute, action: str) -> None:
    audit_record(
        context=context,
        action=action,
        object_type="dispute",
        object_id=dispute.id,
        merchant_id=dispute.merchant_id,
        after={"status": dispute.status, "amount": dispute.amount, "payment": dispute.payment_id},
    )


def dispute_open(*, payment_id: str, reason: str = "fraudulent") -> Dispute | None:
    """The provider reports a dispute on a captured payment (idempotent: one per payment)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
        if payment is None or payment.status != PaymentStatus.SUCCEEDED:
            return None
        if Dispute.objects.filter(payment=payment).exists():
            return None
        now = timezone.now()
        dispute = Dispute(
            merchant_id=payment.merchant_id,
            payment=payment,
            amount=payment.amount_received - payment.amount_refunded,
            fee=pricing_for(payment.merchant_id, payment.currency).dispute_fee,
            currency=payment.currency,
            status=DisputeStatus.NEEDS_RESPONSE,
            reason=reason,
            created=now,
            updated=now,
        )
        post_entry(dispute_opened_entry(dispute))
        dispute.save(force_insert=True)
        emit("dispute.created", dispute)
        _audit(None, dispute, "dispute.opened")
        return dispute


def _locked_open(context: AuthContext | None, dispute_id: str) -> Dispute:
    disputes = Dispute.objects.select_for_update(of=("self",)).select_related("payment")
    if context is not None and context.merchant is not None:
        disputes = disputes.filter(merchant_id=context.merchant.id)
    dispute = disputes.filter(pk=dispute_id).first()
    if dispute is None:
        raise DisputeNotFound(f"No such dispute: '{dispute_id}'", param="id")
    if dispute.status not in OPEN_STATUSES:
        raise DisputeClosed()
    return dispute


def _close(context: AuthContext | None, dispute: Dispute, won: bool) -> Dispute:
    post_entry(dispute_closed_entry(dispute, won))
    dispute.status = DisputeStatus.WON if won else DisputeStatus.LOST
    dispute.closed_at = dispute.updated = timezone.now()
    dispute.save(update_fields=["status", "closed_at", "updated"])
    emit("dispute.closed", dispute)
    _audit(context, dispute, f"dispute.{dispute.status}")
    return dispute


def dispute_submit_evidence(
    *, context: AuthContext, dispute_id: str, evidence: dict[str, str]
) -> Dispute:
    """Add evidence; the dispute goes under review. Emits `dispute.updated`."""
    with transaction.atomic():
        dispute = _locked_open(context, dispute_id)
        dispute.evidence = {**dispute.evidence, **evidence}
        dispute.status = DisputeStatus.UNDER_REVIEW
        dispute.evidence_submitted_at = dispute.updated = timezone.now()
        dispute.save(update_fields=["evidence", "status", "evidence_submitted_at", "updated"])
        emit("dispute.updated", dispute)
        _audit(context, dispute, "dispute.evidence_submitted")
        enqueue_on_commit("payments.tasks.decide_sandbox_dispute", args=[dispute.id])
        return dispute


def dispute_accept(*, context: AuthContext, dispute_id: str) -> Dispute:
    """The merchant accepts the dispute: it closes as lost. Emits `dispute.closed`."""
    with transaction.atomic():
        return _close(context, _locked_open(context, dispute_id), won=False)


def dispute_decide(*, dispute_id: str) -> Dispute | None:
    """The issuer's decision (sandbox: evidence containing `winning_evidence` wins)."""
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().select_related("payment").get(pk=dispute_id)
        if dispute.status != DisputeStatus.UNDER_REVIEW:
            return None
        won = any(WINNING_EVIDENCE in str(value) for value in dispute.evidence.values())
        return _close(None, dispute, won)
