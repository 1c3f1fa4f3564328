"""Wallet lifecycle: create, freeze, unfreeze."""

from django.db import transaction

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.customers import customer_require
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.agents.enforcement import policy_enforce
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit
from wallets.enums import AccountType, WalletStatus
from wallets.exceptions import WalletAlreadyInState
from wallets.ledger import account_get_or_create
from wallets.locks import lock_wallets
from wallets.models import LedgerAccount, Wallet
from wallets.selectors import wallet_get


def wallet_create(
    *,
    context: AuthContext,
    currency: str,
    customer_id: str | None = None,
    metadata: dict[str, str] | None = None,
) -> Wallet:
    """A wallet and its liability account (which must not go negative). Emits `wallet.created`.

    `customer_id`, when given, must be the merchant's customer: 404 `resource_missing` with
    param `customer` otherwise (nothing written).
    """
    if context.merchant is None:
        raise MerchantRequired()
    if customer_id:
        customer_id = customer_require(context=context, customer_id=customer_id)
    with transaction.atomic():
        wallet = Wallet(
            merchant=context.merchant,
            customer_id=customer_id,
            currency=currency,
            metadata=metadata or {},
        )
        wallet.account = account_get_or_create(
            code="wallet",
            owner_id=wallet.id,
            currency=currency,
            type=AccountType.LIABILITY,
            merchant_id=context.merchant.id,
            debits_must_not_exceed_credits=True,
        )
        wallet.save(force_insert=True)
        emit("wallet.created", wallet)
        return wallet


def _set_frozen(*, context: AuthContext, wallet_id: str, frozen: bool, reason: str) -> Wallet:
    target = WalletStatus.FROZEN if frozen else WalletStatus.ACTIVE
    with transaction.atomic():
        policy_enforce(context=context, operation="freeze_wallet" if frozen else "unfreeze_wallet")
        wallet = wallet_get(context=context, wallet_id=wallet_id)
        wallet = lock_wallets(Wallet.objects.select_related("account"), [wallet.pk])[wallet.pk]
        if wallet.status == target:
            raise WalletAlreadyInState(f"The wallet is already {target}.")
        before = wallet.status
        wallet.status = target
        wallet.save(update_fields=["status"])
        LedgerAccount.objects.filter(pk=wallet.account_id).update(frozen=frozen)
        wallet.account.frozen = frozen
        emit("wallet.frozen" if frozen else "wallet.unfrozen", wallet)
        audit_record(
            context=context,
            action="wallet.frozen" if frozen else "wallet.unfrozen",
            object_type="wallet",
            object_id=wallet.id,
            merchant_id=wallet.merchant_id,
            before={"status": before},
            after={"status": target, "reason": reason},
        )
        return wallet


def wallet_freeze(*, context: AuthContext, wallet_id: str, reason: str = "") -> Wallet:
    """Freeze: the wallet's account refuses debits (incoming funds still land). Audited."""
    return _set_frozen(context=context, wallet_id=wallet_id, frozen=True, reason=reason)


def wallet_unfreeze(*, context: AuthContext, wallet_id: str, reason: str = "") -> Wallet:
    return _set_frozen(context=context, wallet_id=wallet_id, frozen=False, reason=reason)
