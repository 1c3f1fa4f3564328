"""Manual adjustments by platform staff, with maker-checker: one staff member requests, a
different one approves; only then is the entry against the platform funding account posted."""

from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.agents.planning import service_transaction
from mcp_payments.api.errors import NotFound
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit
from wallets.enums import AdjustmentDirection, AdjustmentStatus
from wallets.exceptions import AdjustmentNotPending, SelfApproval
from wallets.ledger import Entry, credit, debit, platform_account, post_entry
from wallets.models import Adjustment, Wallet


def _require_staff_user(context: AuthContext) -> None:
    if not context.is_platform_staff or context.user is None:
        raise SelfApproval("Only platform staff may request or decide adjustments.")


def _audit(context: AuthContext, adjustment: Adjustment, action: str) -> None:
    audit_record(
        context=context,
        action=action,
        object_type="adjustment",
        object_id=adjustment.id,
        merchant_id=adjustment.wallet.merchant_id,
        after={
            "status": adjustment.status,
            "direction": adjustment.direction,
            "amount": adjustment.amount,
            "wallet": adjustment.wallet_id,
            "reason": adjustment.reason,
        },
    )


def adjustment_request(
    *, context: AuthContext, wallet: Wallet, direction: str, amount: int, reason: str
) -> Adjustment:
    """Record a requested adjustment; nothing moves until another staff member approves."""
    _require_staff_user(context)
    with service_transaction():
        adjustment = Adjustment.objects.create(
            wallet=wallet,
            direction=direction,
            amount=amount,
            reason=reason,
            requested_by=context.user,
        )
        _audit(context, adjustment, "adjustment.requested")
        return adjustment


def _locked_pending(adjustment_id: str) -> Adjustment:
    adjustment = (
        Adjustment.objects.select_for_update(of=("self",))
        .select_related("wallet__account")
        .filter(pk=adjustment_id)
        .first()
    )
    if adjustment is None:
        raise NotFound(f"No such adjustment: '{adjustment_id}'", param="id")
    if adjustment.status != AdjustmentStatus.PENDING_APPROVAL:
        raise AdjustmentNotPending()
    return adjustment


def adjustment_approve(*, context: AuthContext, adjustment_id: str) -> Adjustment:
    """Approve (by someone other than the requester) and post the entry: a credit funds the wallet
    from platform funding; a debit takes funds back (refused if the wallet lacks them). Emits
    `adjustment.approved` with the entry, in the same transaction; audited."""
    _require_staff_user(context)
    with service_transaction():
        adjustment = _locked_pending(adjustment_id)
        if adjustment.requested_by_id == context.user.pk:
            raise SelfApproval()
        wallet_account = adjustment.wallet.account
        funding = platform_account("platform_funding", wallet_account.currency)
        if adjustment.direction == AdjustmentDirection.CREDIT:
            legs = [debit(funding, adjustment.amount), credit(wallet_account, adjustment.amount)]
        else:
            legs = [debit(wallet_account, adjustment.amount), credit(funding, adjustment.amount)]
        entry = Entry(
            kind="adjustment",
            legs=legs,
            merchant_id=adjustment.wallet.merchant_id,
            description=adjustment.reason,
            reference_id=adjustment.id,
        )
        post_entry(entry)
        adjustment.entry_id = entry.id
        adjustment.status = AdjustmentStatus.APPROVED
        adjustment.decided_by = context.user
        adjustment.decided_at = timezone.now()
        adjustment.save(update_fields=["entry", "status", "decided_by", "decided_at"])
        emit("adjustment.approved", adjustment, merchant_id=adjustment.wallet.merchant_id)
        _audit(context, adjustment, "adjustment.approved")
        return adjustment


def adjustment_reject(*, context: AuthContext, adjustment_id: str) -> Adjustment:
    _require_staff_user(context)
    with service_transaction():
        adjustment = _locked_pending(adjustment_id)
        adjustment.status = AdjustmentStatus.REJECTED
        adjustment.decided_by = context.user
        adjustment.decided_at = timezone.now()
        adjustment.save(update_fields=["status", "decided_by", "decided_at"])
        _audit(context, adjustment, "adjustment.rejected")
        return adjustment
