"""Payouts: funds move to payout clearing at once; a background job hands them to the bank rail
and settles (paid) or returns them (failed); a pending payout can be canceled."""

from django.utils import timezone

from compliance.kyc import kyc_check_amount
from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.agents.enforcement import policy_enforce
from mcp_payments.agents.planning import service_transaction
from mcp_payments.audit.records import audit_record
from mcp_payments.events.jobs import enqueue_on_commit
from mcp_payments.events.services import emit
from wallets.enums import PayoutStatus
from wallets.exceptions import CurrencyMismatch, InvalidBankToken, PayoutNotCancelable
from wallets.ledger import Entry, credit, debit, merchant_account, platform_account, post_entry
from wallets.locks import lock_payout
from wallets.models import LedgerAccount, Payout
from wallets.rails import is_bank_token, payout_rail
from wallets.selectors import payout_get, wallet_get

MERCHANT_AVAILABLE = "merchant_available"


def _audit(context: AuthContext | None, payout: Payout, action: str, before: str | None) -> None:
    audit_record(
        context=context,
        action=action,
        object_type="payout",
        object_id=payout.id,
        merchant_id=payout.merchant_id,
        before={"status": before} if before else None,
        after={"status": payout.status, "amount": payout.amount, "currency": payout.currency},
    )


def payout_create(
    *,
    context: AuthContext,
    amount: int,
    currency: str,
    destination: str,
    wallet_id: str | None = None,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
) -> Payout:
    """Take `amount` from the wallet (or the merchant's available balance) into payout clearing
    and queue settlement. Insufficient funds → 409, nothing written. Emits `payout.created`;
    audited."""
    if context.merchant is None:
        raise MerchantRequired()
    if not is_bank_token(destination):
        raise InvalidBankToken(param="destination")
    wallet = wallet_get(context=context, wallet_id=wallet_id, param="wallet") if wallet_id else None
    if wallet is not None and wallet.currency != currency:
        raise CurrencyMismatch(
            f"The wallet holds {wallet.currency}, not {currency}.", param="currency"
        )
    if wallet is not None:
        kyc_check_amount(customer_id=wallet.customer_id, amount=amount, currency=currency)
    with service_transaction():
        policy_enforce(context=context, operation="create_payout", amount=amount, currency=currency)
        source: LedgerAccount = (
            wallet.account
            if wallet is not None
            else merchant_account(context.merchant.id, MERCHANT_AVAILABLE, currency)
        )
        now = timezone.now()
        payout = Payout(
            merchant=context.merchant,
            wallet=wallet,
            source_account=source,
            amount=amount,
            currency=currency,
            destination=destination,
            status=PayoutStatus.PENDING,
            description=description,
            metadata=metadata or {},
            created=now,
            updated=now,
        )
        post_entry(
            Entry(
                kind="payout",
                legs=[
                    debit(source, amount, check_funds=True),
                    credit(platform_account("payout_clearing", currency), amount),
                ],
                merchant_id=context.merchant.id,
                reference_id=payout.id,
            )
        )
        payout.save(force_insert=True)
        emit("payout.created", payout)
        _audit(context, payout, "payout.created", None)
        enqueue_on_commit("wallets.tasks.settle_payout", args=[payout.id])
        return payout


def _return_funds(payout: Payout, kind: str) -> None:
    post_entry(
        Entry(
            kind=kind,
            legs=[
                debit(platform_account("payout_clearing", payout.currency), payout.amount),
                credit(payout.source_account, payout.amount),
            ],
            merchant_id=payout.merchant_id,
            reference_id=payout.id,
        )
    )


def payout_cancel(*, context: AuthContext, payout_id: str) -> Payout:
    """Cancel a payout not yet handed to the bank; the funds return to their source. Emits
    `payout.canceled`; audited. Any other state → 409 `payout_not_cancelable`."""
    payout_get(context=context, payout_id=payout_id)
    with service_transaction():
        policy_enforce(context=context, operation="cancel_payout")
        payout = lock_payout(Payout.objects.select_related("source_account"), payout_id)
        if payout.status != PayoutStatus.PENDING:
            raise PayoutNotCancelable(f"This payout is {payout.status}.")
        _return_funds(payout, "payout_cancel")
        payout.status = PayoutStatus.CANCELED
        payout.updated = timezone.now()
        payout.save(update_fields=["status", "updated"])
        emit("payout.canceled", payout)
        _audit(context, payout, "payout.canceled", PayoutStatus.PENDING)
        return payout


def payout_settle(*, payout_id: str) -> Payout | None:
    """Hand a pending payout to the bank rail and book the outcome (background job).

    The payout is first marked `in_transit` (no longer cancelable) in its own transaction, so the
    rail call holds no lock; the rail is idempotent on the payout id, so a retried job after a
    crash sends once. Paid → clearing pays out of the platform's bank account; failed → the funds
    return to the source. Emits `payout.paid` or `payout.failed`; audited. Returns None when the
    payout was canceled or already settled."""
    with service_transaction():
        payout = lock_payout(Payout.objects.all(), payout_id)
        if payout is None or payout.status not in (PayoutStatus.PENDING, PayoutStatus.IN_TRANSIT):
            return None
        if payout.status == PayoutStatus.PENDING:
            payout.status = PayoutStatus.IN_TRANSIT
            payout.updated = timezone.now()
            payout.save(update_fields=["status", "updated"])
    result = payout_rail().send(
        payout_id=payout.id,
        amount=payout.amount,
        currency=payout.currency,
        destination=payout.destination,
    )
    with service_transaction():
        payout = lock_payout(Payout.objects.select_related("source_account"), payout_id)
        if payout.status != PayoutStatus.IN_TRANSIT:
            return None
        if result.paid:
            post_entry(
                Entry(
                    kind="payout_paid",
                    legs=[
                        debit(platform_account("payout_clearing", payout.currency), payout.amount),
                        credit(platform_account("bank_settlement", payout.currency), payout.amount),
                    ],
                    merchant_id=payout.merchant_id,
                    reference_id=payout.id,
                )
            )
            payout.status = PayoutStatus.PAID
        else:
            _return_funds(payout, "payout_failed")
            payout.status = PayoutStatus.FAILED
            payout.failure_code = result.failure_code
        payout.updated = timezone.now()
        payout.save(update_fields=["status", "failure_code", "updated"])
        emit("payout.paid" if result.paid else "payout.failed", payout)
        _audit(None, payout, f"payout.{payout.status}", PayoutStatus.IN_TRANSIT)
        return payout
