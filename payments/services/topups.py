"""Wallet top-up by card: a payment whose captured funds credit the wallet (the payments app
orchestrates; the ledger stays unaware of payments)."""

from mcp_payments.accounts.context import AuthContext
from payments.enums import CaptureMethod
from payments.models import Payment
from payments.services.payments import PaymentRequest, payment_create
from wallets.exceptions import WalletFrozen
from wallets.selectors import wallet_get


def wallet_top_up(
    *,
    context: AuthContext,
    wallet_id: str,
    amount: int,
    payment_method: str,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
) -> Payment:
    """Charge the card now (automatic capture) and credit the wallet with the full amount in the
    capture's ledger entry; the card fee is charged to the merchant. 402 on decline, nothing
    credited."""
    wallet = wallet_get(context=context, wallet_id=wallet_id)
    if wallet.status == "frozen":
        raise WalletFrozen("A frozen wallet cannot be topped up.")
    return payment_create(
        context=context,
        request=PaymentRequest(
            amount=amount,
            currency=wallet.currency,
            customer=wallet.customer_id,
            payment_method=payment_method,
            capture_method=CaptureMethod.AUTOMATIC,
            confirm=True,
            description=description or f"Top-up of {wallet.id}",
            metadata=metadata,
            wallet_id=wallet.id,
        ),
        operation="top_up_wallet",
    )
