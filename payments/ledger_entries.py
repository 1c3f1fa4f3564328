"""How payments move money in the ledger: one balanced entry per capture, refund, settlement and
dispute step. The ledger (wallets app) knows nothing of payments; this module builds the legs."""

from wallets.ledger import Entry, credit, debit, merchant_account, platform_account
from wallets.models import LedgerAccount, Wallet

from .models import Dispute, Payment, Refund

MERCHANT_PENDING = "merchant_pending"
MERCHANT_AVAILABLE = "merchant_available"
DISPUTE_RESERVE = "dispute_reserve"


def _merchant(payment: Payment, code: str) -> LedgerAccount:
    return merchant_account(payment.merchant_id, code, payment.currency)


def _wallet_account(payment: Payment) -> LedgerAccount:
    return Wallet.objects.select_related("account").get(pk=payment.wallet_id).account


def capture_entry(payment: Payment, amount: int, fee: int) -> Entry:
    """Provider clearing (asset) debited with what was captured; the merchant's pending balance
    credited with the net and platform fees with the fee. A top-up credits the wallet in full and
    charges the fee to the merchant's available balance."""
    clearing = platform_account("provider_clearing", payment.currency)
    fees = platform_account("platform_fees", payment.currency)
    if payment.wallet_id:
        legs = [
            debit(clearing, amount),
            credit(_wallet_account(payment), amount),
            debit(_merchant(payment, MERCHANT_AVAILABLE), fee),
            credit(fees, fee),
        ]
    else:
        legs = [
            debit(clearing, amount),
            credit(_merchant(payment, MERCHANT_PENDING), amount - fee),
            credit(fees, fee),
        ]
    return Entry(
        kind="payment_capture",
        legs=[leg for leg in legs if leg.amount],
        merchant_id=payment.merchant_id,
        reference_id=payment.id,
    )


def settlement_entry(payment: Payment) -> Entry:
    """The net of a captured payment moves from pending to available."""
    net = payment.amount_received - payment.fee
    return Entry(
        kind="payment_settlement",
        legs=[
            debit(_merchant(payment, MERCHANT_PENDING), net),
            credit(_merchant(payment, MERCHANT_AVAILABLE), net),
        ],
        merchant_id=payment.merchant_id,
        reference_id=payment.id,
    )


def refund_entry(payment: Payment, refund: Refund) -> Entry:
    """The refund leaves the merchant's available balance (which may go negative, as on Stripe;
    the fee is not returned) — or the wallet a top-up credited, which must still hold it."""
    clearing = platform_account("provider_clearing", payment.currency)
    if payment.wallet_id:
        source = debit(_wallet_account(payment), refund.amount)
    else:
        source = debit(_merchant(payment, MERCHANT_AVAILABLE), refund.amount)
    return Entry(
        kind="refund",
        legs=[source, credit(clearing, refund.amount)],
        merchant_id=payment.merchant_id,
        reference_id=refund.id,
    )


def refund_reversal_entry(payment: Payment, refund: Refund) -> Entry:
    """A refund the provider refused: its entry reversed (the funds return where they left)."""
    clearing = platform_account("provider_clearing", payment.currency)
    if payment.wallet_id:
        destination = credit(_wallet_account(payment), refund.amount)
    else:
        destination = credit(_merchant(payment, MERCHANT_AVAILABLE), refund.amount)
    return Entry(
        kind="refund_reversal",
        legs=[debit(clearing, refund.amount), destination],
        merchant_id=payment.merchant_id,
        reference_id=refund.id,
    )


def dispute_opened_entry(dispute: Dispute) -> Entry:
    """The disputed amount moves into the merchant's dispute reserve and the dispute fee to the
    platform, both out of the available balance at once."""
    payment = dispute.payment
    legs = [
        debit(_merchant(payment, MERCHANT_AVAILABLE), dispute.amount + dispute.fee),
        credit(_merchant(payment, DISPUTE_RESERVE), dispute.amount),
        credit(platform_account("platform_fees", dispute.currency), dispute.fee),
    ]
    return Entry(
        kind="dispute_opened",
        legs=[leg for leg in legs if leg.amount],
        merchant_id=dispute.merchant_id,
        reference_id=dispute.id,
    )


def dispute_closed_entry(dispute: Dispute, won: bool) -> Entry:
    """Won: the reserve returns to the merchant (the fee is kept). Lost: the reserve goes to the
    provider, who pays the cardholder back (provider clearing is credited)."""
    payment = dispute.payment
    reserve = _merchant(payment, DISPUTE_RESERVE)
    destination = (
        _merchant(payment, MERCHANT_AVAILABLE)
        if won
        else platform_account("provider_clearing", dispute.currency)
    )
    return Entry(
        kind="dispute_won" if won else "dispute_lost",
        legs=[debit(reserve, dispute.amount), credit(destination, dispute.amount)],
        merchant_id=dispute.merchant_id,
        reference_id=dispute.id,
    )
