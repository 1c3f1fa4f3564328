"""Background jobs of the payments queue: thin wrappers over services."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .services.disputes import dispute_decide, dispute_open
from .services.payments import payment_expire_authorizations
from .services.reconciliation import payments_reconcile_processing, settlement_report
from .services.refunds import refunds_reconcile_pending
from .services.settlement import payments_settle


@shared_task(name="payments.tasks.reconcile_processing")
def reconcile_processing() -> int:
    """Payments stuck in `processing` and refunds stuck in `pending` (a crash or a lost answer
    between the provider call and its booking)."""
    return payments_reconcile_processing() + refunds_reconcile_pending()


@shared_task(name="payments.tasks.expire_authorizations")
def expire_authorizations() -> int:
    return payment_expire_authorizations()


@shared_task(name="payments.tasks.settle_balances")
def settle_balances() -> int:
    return payments_settle()


@shared_task(name="payments.tasks.daily_settlement_report")
def daily_settlement_report(day: str | None = None) -> dict:
    target = (
        timezone.datetime.fromisoformat(day).date()
        if day
        else (timezone.now() - timedelta(days=1)).date()
    )
    report = settlement_report(day=target)
    return {"day": target.isoformat(), "ok": report.ok, "mismatched": report.mismatched}


@shared_task(name="payments.tasks.open_sandbox_dispute")
def open_sandbox_dispute(payment_id: str) -> str | None:
    dispute = dispute_open(payment_id=payment_id)
    return dispute.id if dispute else None


@shared_task(name="payments.tasks.decide_sandbox_dispute")
def decide_sandbox_dispute(dispute_id: str) -> str | None:
    dispute = dispute_decide(dispute_id=dispute_id)
    return dispute.status if dispute else None
