"""The subscriber consumer (`manage.py events_consume`), built on kombu's ConsumerProducerMixin.

Messages are processed in small batches (those already waiting, up to the prefetch) in one
transaction per batch, each matching subscriber once in effect per event
(`processing.deliver_batch`; a failing handler makes the batch go one event at a time). All
succeeded → ack. A subscriber failed → the message is republished
(same body and id, attempt + 1) to the retry queue of the next backoff step, whose TTL sends it
back to the main queue; after `EVENTS_MAX_ATTEMPTS` deliveries it is recorded as a DeadLetter and a
copy goes to `<queue>.dlq`. The original is acked only after that publish was confirmed (the
producer connection uses publisher confirms). A redelivery after a crash re-runs only the
subscribers that did not commit (their processed rows).
"""

import logging
import select
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection as db_connection
from kombu import Connection, Consumer, Message
from kombu.exceptions import ContentDisallowed, DecodeError
from kombu.mixins import ConsumerProducerMixin

from mcp_payments.tracing import consume_spans

from .dead_letters import dead_letter_record
from .processing import INFRASTRUCTURE_ERRORS, Failure, deliver_batch
from .topology import (
    ATTEMPT_HEADER,
    ERROR_HEADER,
    EVENT_ID_HEADER,
    SUBSCRIBER_HEADER,
    broker_connection,
    dead_letter_exchange,
    declare_topology,
    logical_queue,
    main_queue,
    physical_name,
    retry_delay_ms,
    retry_queue,
)

logger = logging.getLogger(__name__)

DATABASE_RETRY_SECONDS = 1.0


class EventConsumer(ConsumerProducerMixin):
    def __init__(
        self, connection: Connection, *, domains: list[str], prefetch: int, batch_size: int
    ) -> None:
        self.connection = connection
        self.domains = domains
        self.prefetch = prefetch
        # Never above the prefetch: the broker sends no more until some are acked.
        self.batch_size = max(1, min(batch_size, prefetch))
        self._batch: list[tuple[str, Message, dict]] = []
        self._socket: Any = None

    def get_consumers(self, Consumer: type[Consumer], channel: Any) -> list[Consumer]:
        declare_topology(channel)
        return [
            Consumer(
                queues=[main_queue(domain)],
                on_message=partial(self.on_message, domain),
                prefetch_count=self.prefetch,
                accept=["json"],
            )
            for domain in self.domains
        ]

    @contextmanager
    def establish_connection(self) -> Iterator[Connection]:
        # kombu's default backoff grows to 30 s between attempts; a restarted broker should be
        # used again within seconds.
        with self.create_connection() as conn:
            conn.ensure_connection(
                self.on_connection_error, interval_start=0.5, interval_step=0.5, interval_max=2.0
            )
            yield conn

    def on_consume_ready(self, connection: Connection, channel: Any, consumers: Any, **kw) -> None:
        self._socket = connection.connection.sock
        logger.info("consuming %s", ", ".join(logical_queue(domain) for domain in self.domains))

    def on_consume_end(self, connection: Connection, channel: Any) -> None:
        # Unflushed messages are unacked: the broker redelivers them.
        self._batch = []
        self._socket = None
        super().on_consume_end(connection, channel)

    def on_message(self, domain: str, message: Message) -> None:
        """Buffer the message; the batch is processed when full or when no other frame is
        waiting on the socket (`on_iteration`), so a lone message is never held back."""
        try:
            event = message.decode()
            if not isinstance(event, dict) or "id" not in event or "type" not in event:
                raise DecodeError("not an event")
        except (ContentDisallowed, DecodeError, ValueError, UnicodeDecodeError):
            # Never processable: straight to the queue's DLQ through its dead-letter exchange.
            logger.error("undecodable message on %s rejected", domain, exc_info=True)
            message.reject(requeue=False)
            return
        self._batch.append((domain, message, event))
        if len(self._batch) >= self.batch_size:
            self.flush()

    def on_iteration(self) -> None:
        if self._batch and not self._frames_waiting():
            self.flush()

    def _frames_waiting(self) -> bool:
        if self._socket is None:
            return False
        readable, _, _ = select.select([self._socket], [], [], 0)
        return bool(readable)

    def flush(self) -> None:
        """Process the buffered messages: one transaction per domain's batch (see
        processing.deliver_batch); then retry, dead-letter or just ack each message."""
        batch, self._batch = self._batch, []
        by_domain: dict[str, list[tuple[Message, dict]]] = {}
        for domain, message, event in batch:
            by_domain.setdefault(domain, []).append((message, event))
        done: list[Message] = []
        for domain, items in by_domain.items():
            try:
                with consume_spans(
                    logical_queue(domain), [(event, message.headers) for message, event in items]
                ):
                    failures = deliver_batch(domain, [event for _, event in items])
            except INFRASTRUCTURE_ERRORS:
                logger.warning("database unavailable; messages requeued", exc_info=True)
                db_connection.close()
                time.sleep(DATABASE_RETRY_SECONDS)
                for message, _ in items:
                    message.requeue()
                continue
            for message, event in items:
                failed = failures.get(event["id"])
                if failed:
                    attempt = int((message.headers or {}).get(ATTEMPT_HEADER, 1))
                    if attempt < settings.EVENTS_MAX_ATTEMPTS:
                        self._retry_later(domain, message, event, attempt, failed)
                    else:
                        self._dead_letter(domain, message, event, attempt, failed)
                done.append(message)
        if done:
            # Every delivery up to the newest of the batch is settled now: one ack for all.
            max(done, key=lambda message: message.delivery_tag).ack(multiple=True)

    def _retry_later(
        self, domain: str, message: Message, event: dict, attempt: int, failures: list[Failure]
    ) -> None:
        queue = retry_queue(domain, retry_delay_ms(attempt))
        self._publish(
            message,
            exchange="",
            routing_key=queue.name,
            headers={
                **(message.headers or {}),
                ATTEMPT_HEADER: attempt + 1,
                ERROR_HEADER: failures[0].error[:500],
                SUBSCRIBER_HEADER: failures[0].subscriber.name,
            },
            message_id=event["id"],
            declare=[queue],
        )

    def _dead_letter(
        self, domain: str, message: Message, event: dict, attempt: int, failures: list[Failure]
    ) -> None:
        queue = logical_queue(domain)
        letter = dead_letter_record(
            queue=queue,
            event=event,
            subscriber=", ".join(failure.subscriber.name for failure in failures),
            error="\n".join(failure.error for failure in failures),
            attempts=attempt,
        )
        logger.error("event %s dead-lettered on %s after %d attempts", event["id"], queue, attempt)
        self._publish(
            message,
            exchange=dead_letter_exchange(),
            routing_key=physical_name(queue),
            headers={
                "event_type": event["type"],
                ATTEMPT_HEADER: attempt,
                ERROR_HEADER: letter.error[:500],
                SUBSCRIBER_HEADER: letter.subscriber,
                EVENT_ID_HEADER: event["id"],
            },
            message_id=letter.id,
            declare=[],
        )

    def _publish(self, message: Message, **kwargs: Any) -> None:
        self.producer.publish(
            message.body,
            content_type=message.content_type,
            content_encoding=message.content_encoding,
            delivery_mode=2,
            retry=True,
            retry_policy={"max_retries": 3, "interval_start": 0.5, "interval_step": 0.5},
            **kwargs,
        )


def build_consumer(*, domains: list[str], prefetch: int, batch_size: int) -> EventConsumer:
    """The consumer, on a confirm-mode connection (its producer clone publishes retries)."""
    connection = broker_connection(confirm_publish=True)
    return EventConsumer(connection, domains=domains, prefetch=prefetch, batch_size=batch_size)
