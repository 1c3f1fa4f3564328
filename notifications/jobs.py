"""Queueing this app's Celery jobs after the current transaction commits (DESIGN.md: `.delay()`
inside a transaction only via `on_commit`), by task name (no import of the tasks module), each
channel on its own queue so a failing channel never delays another: webhook deliveries on
`WEBHOOKS_QUEUE`, email on `EMAIL_QUEUE`, SMS on `SMS_QUEUE`.

A webhook delivery whose task could not be published (broker down) is made due at once, so the
`dispatch_due_deliveries` sweep (every few seconds) queues it as soon as the broker is back.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings

from mcp_payments.events.jobs import enqueue_on_commit


def queue_deliveries(
    delivery_ids: list[str], *, on_failure: Callable[[list[str]], None] | None = None
) -> None:
    """`deliver_webhook` for each id, after commit; `on_failure(ids)` gets the ids whose publish
    failed (called once per failed id)."""
    for delivery_id in delivery_ids:
        enqueue_on_commit(
            "notifications.tasks.deliver_webhook",
            args=[delivery_id],
            queue=settings.WEBHOOKS_QUEUE,
            on_failure=(lambda i=delivery_id: on_failure([i])) if on_failure else None,
        )


def queue_email(*, template: str, to: list[str], context: dict[str, Any]) -> None:
    """`send_email(template, to, context)` after commit, on the email queue."""
    if to:
        enqueue_on_commit(
            "notifications.tasks.send_email",
            args=[template, to, context],
            queue=settings.EMAIL_QUEUE,
        )


def queue_sms(*, to: str, text: str) -> None:
    """`send_sms(to, text)` after commit, on the SMS queue."""
    enqueue_on_commit("notifications.tasks.send_sms", args=[to, text], queue=settings.SMS_QUEUE)
