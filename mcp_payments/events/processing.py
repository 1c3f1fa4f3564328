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
                effect=lambda sub=sub: sub.handle([event]),
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


class _BatchFailed(Exception):
    pass


def deliver_batch(domain: str, events: list[dict[str, Any]]) -> dict[str, list[Failure]]:
    """`deliver` for many events at once: one transaction, one claim statement per subscriber.

    Any handler error rolls the whole batch back and each event is then delivered on its own
    (so the failures are attributed, and the other events' effects still commit): a handler
    may thus run twice for an event, its first effects rolled back. Returns the
    failures by event id (only events with failures are keys)."""
    if len(events) == 1:
        failed = deliver(domain, events[0])
        return {events[0]["id"]: failed} if failed else {}
    try:
        with transaction.atomic():
            for sub in subscribers_for(domain):
                matching = [event for event in events if sub.matches(event["type"])]
                if not matching:
                    continue
                claimed = _claim_many(sub.name, [event["id"] for event in matching])
                fresh = []
                for event in matching:
                    # A duplicate in the same batch runs once: the first copy takes the claim.
                    if event["id"] in claimed:
                        claimed.discard(event["id"])
                        fresh.append(event)
                if not fresh:
                    continue
                try:
                    sub.handle(fresh)
                except INFRASTRUCTURE_ERRORS:
                    raise
                except Exception as exc:
                    # Handler boundary: isolate the failure by delivering one by one.
                    raise _BatchFailed from exc
    except _BatchFailed:
        failures = {event["id"]: deliver(domain, event) for event in events}
        return {event_id: found for event_id, found in failures.items() if found}
    return {}


def _claim_many(subscriber: str, event_ids: list[str]) -> set[str]:
    """Insert the processed rows of `event_ids`; return the ids not processed before."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO events_processedevent (subscriber, event_id, processed_at) "
            "SELECT %s, unnest(%s::text[]), clock_timestamp() "
            "ON CONFLICT DO NOTHING RETURNING event_id",
            [subscriber, event_ids],
        )
        return {row[0] for row in cursor.fetchall()}
