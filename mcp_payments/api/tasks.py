from celery import shared_task

from .idempotency import idempotency_purge_expired


@shared_task(name="mcp_payments.api.tasks.purge_expired_idempotency_keys")
def purge_expired_idempotency_keys() -> int:
    return idempotency_purge_expired()
