"""Exactly-once effect on top of at-least-once delivery.

`process_once` runs an effect in one transaction together with the insert of its
(subscriber, event id) row; when the row already exists the effect is skipped. A failing effect
rolls back with its row, so the next delivery runs it again.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import InterfaceError, OperationalError, connection, transaction

from .subscribers import Subscriber, subscribers_for

logger = logging.getLogger(__name__)

# Failures of the database itself: the message goes back to its queue, no attempt is used up.
INFRASTRUCTURE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def process_once(*, subscriber: str, event_id: str, effect: Callable[[], None]) -> bool:
    """Run `effect` unless `subscriber` already processed `event_id`; True when it ran.

    Owns the transaction: the processed row and the effect commit (or roll back) together."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO events_processedevent (subscriber, event_id, processed_at) "
                "VALUES (%s, %s, clock_timestamp()) ON CONFLICT DO NOTHING RETURNING id",
                [subscriber, event_id],
            )
            if cursor.fetchone() is None:
                return False
        effect()
    return True


@dataclass(frozen=True)
class Failure:
    subscriber: Subscriber
    error: str


def deliver(domain: str, event: dict[str, Any]) -> list[Failure]:
    """Run every subscriber of `domain` matching the event's type, each once in effect; return
    the failures. A database outage is raised (INFRASTRUCTURE_ERRORS) rather than counted."""
    failures: list[Failure] = []
    for sub in subscribers_for(domain, event["type"]):
        try:
            process_once(
                subscriber=sub.name,
                event_id=event["id"],
                effect=lambda sub=sub: sub.handler(event),
            )
        except INFRASTRUCTURE_ERRORS:
            raise
        except Exception as exc:
            # The boundary of third-party code: any handler error means "retry, then DLQ".
            logger.warning(
                "subscriber %s failed on event %s (%s)",
                sub.name,
                event["id"],
                event["type"],
                exc_info=True,
            )
            failures.append(Failure(sub, f"{type(exc).__name__}: {exc}"[:2000]))
    return failures
