"""Dead letters: messages a subscriber queue gave up on, visible and replayable.

The `DeadLetter` table is the source of truth (listing, filtering, replay, the admin). When a
consumer gives up on a message it records the row first, then publishes a copy to
`mcp_payments.dlx` → `<queue>.dlq` (message id = the dead letter's id), then acks the original.
Replay republishes the stored payload to the main queue (default exchange, routing key = the
queue name) with the attempt counter reset, marks the row `replayed_at` in the same transaction,
and then prunes the broker copies of rows that are no longer pending from `<queue>.dlq`.
"""

import json
import logging
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from .exceptions import DeadLetterNotFound, UnknownEventsQueue
from .models import DeadLetter
from .publisher import ConfirmingPublisher, OutgoingMessage
from .subscribers import DOMAINS
from .topology import (
    ATTEMPT_HEADER,
    REPLAY_OF_HEADER,
    broker_connection,
    dead_letter_queue,
    declare_topology,
    domain_of,
    logical_queue,
    physical_name,
)

logger = logging.getLogger(__name__)

REPLAY_BATCH_SIZE = 500
QUEUES: tuple[str, ...] = tuple(logical_queue(domain) for domain in DOMAINS)


def check_queue(queue: str) -> str:
    try:
        domain_of(queue)
    except ValueError:
        raise UnknownEventsQueue(
            f"No such events queue: {queue!r}; one of {', '.join(QUEUES)}", param="queue"
        ) from None
    return queue


def dead_letter_record(
    *, queue: str, event: dict[str, Any], subscriber: str, error: str, attempts: int
) -> DeadLetter:
    """The pending dead letter of (`queue`, event), created if there is none (idempotent: a
    consumer that crashed after recording and redelivers finds the same row)."""
    with transaction.atomic():
        DeadLetter.objects.bulk_create(
            [
                DeadLetter(
                    queue=queue,
                    event_id=event["id"],
                    event_type=event.get("type", ""),
                    subscriber=subscriber,
                    error=error,
                    attempts=attempts,
                    payload=event,
                )
            ],
            ignore_conflicts=True,
        )
        return DeadLetter.objects.get(queue=queue, event_id=event["id"], replayed_at=None)


def dead_letter_list(*, queue: str | None = None, status: str | None = None) -> QuerySet:
    letters = DeadLetter.objects.all()
    if queue:
        letters = letters.filter(queue=check_queue(queue))
    if status == "pending":
        letters = letters.filter(replayed_at=None)
    elif status == "replayed":
        letters = letters.filter(replayed_at__isnull=False)
    return letters


def dead_letter_replay(
    *, ids: list[str] | None = None, queue: str | None = None, all: bool = False
) -> list[str]:
    """Republish pending dead letters (the given ids, one queue's, or all) to their main queues
    and mark them replayed; return the replayed ids. Already replayed ids are skipped; an
    unknown id raises before anything is replayed."""
    if ids is not None:
        known = set(DeadLetter.objects.filter(id__in=ids).values_list("id", flat=True))
        missing = [dl_id for dl_id in ids if dl_id not in known]
        if missing:
            raise DeadLetterNotFound(f"No such dead letter: '{missing[0]}'", param="ids")
    elif queue is not None:
        check_queue(queue)
    elif not all:
        raise ValueError("dead_letter_replay needs ids, queue or all=True")
    replayed: list[str] = []
    with broker_connection() as broker:
        declare_topology(broker.default_channel)
        publisher = ConfirmingPublisher(broker)
        while True:
            batch = _replay_batch(publisher, ids=ids, queue=queue)
            replayed.extend(batch)
            if len(batch) < REPLAY_BATCH_SIZE:
                break
        queues = set(DeadLetter.objects.filter(id__in=replayed).values_list("queue", flat=True))
        for name in sorted(queues):
            dlq_prune(broker.default_channel, name)
    return replayed


def _replay_batch(
    publisher: ConfirmingPublisher, *, ids: list[str] | None, queue: str | None
) -> list[str]:
    with transaction.atomic():
        pending = DeadLetter.objects.select_for_update(skip_locked=True).filter(replayed_at=None)
        if ids is not None:
            pending = pending.filter(id__in=ids)
        if queue is not None:
            pending = pending.filter(queue=queue)
        letters = list(pending.order_by("id")[:REPLAY_BATCH_SIZE])
        if not letters:
            return []
        publisher.publish_batch(
            [
                OutgoingMessage(
                    exchange="",
                    routing_key=physical_name(letter.queue),
                    body=json.dumps(letter.payload, separators=(",", ":")).encode(),
                    message_id=letter.event_id,
                    headers={
                        "event_type": letter.event_type,
                        ATTEMPT_HEADER: 1,
                        REPLAY_OF_HEADER: letter.id,
                    },
                )
                for letter in letters
            ]
        )
        replayed = [letter.id for letter in letters]
        DeadLetter.objects.filter(id__in=replayed).update(replayed_at=timezone.now())
    logger.info("replayed %d dead letters", len(replayed))
    return replayed


def dead_letter_purge(*, queue: str | None = None) -> int:
    """Discard the pending dead letters of `queue` (or of every queue): delete their rows and
    empty the broker's `<queue>.dlq`. Replayed rows stay as history. Returns rows deleted."""
    queues = [check_queue(queue)] if queue else list(QUEUES)
    deleted, _ = DeadLetter.objects.filter(queue__in=queues, replayed_at=None).delete()
    with broker_connection() as broker:
        declare_topology(broker.default_channel)
        for name in queues:
            dead_letter_queue(domain_of(name))(broker.default_channel).purge()
    return deleted


def dlq_prune(channel: Any, queue: str) -> int:
    """Remove from `<queue>.dlq` the copies of dead letters that are no longer pending; the
    others are requeued untouched. Returns how many messages were removed."""
    dlq = dead_letter_queue(domain_of(queue))(channel)
    _, count, _ = dlq.queue_declare(passive=True)
    held = []
    for _ in range(count):
        message = dlq.get(no_ack=False)
        if message is None:
            break
        held.append(message)
    message_ids = {message.properties.get("message_id") for message in held}
    pending = set(
        DeadLetter.objects.filter(id__in=message_ids, replayed_at=None).values_list("id", flat=True)
    )
    removed = 0
    for message in held:
        message_id = message.properties.get("message_id") or ""
        if message_id.startswith("dl_") and message_id not in pending:
            message.ack()
            removed += 1
        else:
            message.requeue()
    return removed


def dead_letter_counts() -> dict[str, int]:
    """Pending dead letters per queue (every queue listed)."""
    counts = dict.fromkeys(QUEUES, 0)
    rows = (
        DeadLetter.objects.filter(replayed_at=None)
        .values("queue")
        .annotate(pending=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["queue"]] = row["pending"]
    return counts
