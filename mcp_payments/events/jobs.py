"""Sending Celery jobs by name: services enqueue work without importing the task modules (the
interface layer), so services and tasks never import each other (DESIGN.md, import-linter).

`enqueue` publishes now; `enqueue_on_commit` publishes after the current transaction commits
(DESIGN.md: never inside a transaction). A publish that fails after commit is logged and handed
to `on_failure` (never raised: the change is committed already); sweeps heal the rest.
"""

import logging
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(
    task_name: str,
    *,
    args: Sequence[Any] = (),
    queue: str | None = None,
    countdown: float | None = None,
) -> None:
    """Publish Celery task `task_name` (its registered name, e.g. `wallets.tasks.settle_payout`)
    with JSON `args` on `queue` (None: the route in CELERY_TASK_ROUTES), `countdown` seconds
    later. In eager mode (tests) the task runs at once in this process. Raises the broker's
    error when the publish fails."""
    options: dict[str, Any] = {"args": list(args)}
    if queue is not None:
        options["queue"] = queue
    if countdown is not None:
        options["countdown"] = countdown
    if current_app.conf.task_always_eager:
        # Eager runs need the task object; its module is the name's prefix.
        if task_name not in current_app.tasks:
            import_module(task_name.rpartition(".")[0])
        current_app.tasks[task_name].apply_async(**options)
        return
    current_app.send_task(task_name, **options)


def enqueue_on_commit(
    task_name: str,
    *,
    args: Sequence[Any] = (),
    queue: str | None = None,
    countdown: float | None = None,
    on_failure: Callable[[], None] | None = None,
) -> None:
    """`enqueue` once the current transaction commits (at once outside one). A failed publish is
    logged and `on_failure()` called (e.g. to make the job due for the next sweep)."""

    def send() -> None:
        try:
            enqueue(task_name, args=args, queue=queue, countdown=countdown)
        except Exception:
            # Any broker/transport error: the transaction is committed, nothing to undo.
            logger.warning("could not enqueue %s; left to its sweep", task_name, exc_info=True)
            if on_failure is not None:
                on_failure()

    send.task_name = task_name  # type: ignore[attr-defined]  (what tests see of the callback)
    transaction.on_commit(send)
