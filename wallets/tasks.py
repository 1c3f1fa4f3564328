"""Background jobs of the ledger (queue `payments`): thin wrappers over services."""

from celery import shared_task

from .services.payouts import payout_settle
from .services.transfers import transfer_expire_holds


@shared_task(name="wallets.tasks.settle_payout", acks_late=True)
def settle_payout(payout_id: str) -> str | None:
    payout = payout_settle(payout_id=payout_id)
    return payout.status if payout else None


@shared_task(name="wallets.tasks.expire_holds")
def expire_holds() -> int:
    return transfer_expire_holds()
