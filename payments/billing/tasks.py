"""Billing jobs (queue `payments`): thin wrappers over the lifecycle services."""

from celery import shared_task

from .services import lifecycle
from .services.test_clocks import test_clock_run


@shared_task(name="payments.billing.tasks.run_due")
def run_due() -> None:
    """Every 60 s (beat): finalize, renew, retry, expire, resume and notify on real time."""
    lifecycle.run_due(clock=None)


@shared_task(name="payments.billing.tasks.renew_due")
def renew_due(limit: int = 1000) -> int:
    return lifecycle.renew_due(clock=None, limit=limit)


@shared_task(name="payments.billing.tasks.retry_due")
def retry_due() -> int:
    return lifecycle.retry_due(clock=None)


@shared_task(name="payments.billing.tasks.advance_test_clock")
def advance_test_clock(clock_id: str) -> str:
    return test_clock_run(clock_id=clock_id).status
