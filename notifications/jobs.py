"""Queueing this app's Celery jobs after the current transaction commits (DESIGN.md: `.delay()`
inside a transaction only via `on_commit`), on the `NOTIFICATIONS_QUEUE` queue. A publish that
fails is logged, not raised (`robust`): webhook deliveries are picked up again by the
`dispatch_due_deliveries` sweep once their lease ends."""

from typing import Any

from django.conf import settings
from django.db import transaction


def _send(task_name: str, *args: Any) -> None:
    from . import tasks  # the interface layer, imported when used (DESIGN.md dependency rules)

    getattr(tasks, task_name).apply_async(args=list(args), queue=settings.NOTIFICATIONS_QUEUE)


def queue_deliveries(delivery_ids: list[str]) -> None:
    """`deliver_webhook` for each id, after commit."""
    if not delivery_ids:
        return

    def send_all() -> None:
        for delivery_id in delivery_ids:
            _send("deliver_webhook", delivery_id)

    transaction.on_commit(send_all, robust=True)


def queue_email(*, template: str, to: list[str], context: dict[str, Any]) -> None:
    if to:
        transaction.on_commit(lambda: _send("send_email", template, to, context), robust=True)


def queue_sms(*, to: str, text: str) -> None:
    transaction.on_commit(lambda: _send("send_sms", to, text), robust=True)
