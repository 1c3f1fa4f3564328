"""The outbox relay: publishes committed events to the `mcp_payments.events` topic exchange.

`relay_publish_batch` takes up to `limit` unpublished events in id order with
`FOR UPDATE SKIP LOCKED` (so several relays, and the beat sweep, can run at once without publishing
the same row twice), publishes them with publisher confirms, and marks them published in one
UPDATE in the same transaction, only after the broker confirmed the whole batch. It reads
committed rows only, so it never publishes an event whose change may still roll back. A crash
after publishing and before the commit leaves the rows unpublished: they are published again
(at-least-once delivery; consumers drop duplicates by event id).

`Relay.run` is the long-running process (`manage.py events_relay`): it LISTENs on the channel the
events table's insert trigger NOTIFYs at commit, and sweeps on every notification and at least
every `EVENTS_RELAY_POLL_MS`.
"""

import logging
import threading
import time

import psycopg
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction

from mcp_payments.tracing import TRACEPARENT_HEADER, PublishSpans

from .publisher import ConfirmingPublisher, OutgoingMessage, PublishNotConfirmed
from .topology import broker_connection, broker_errors, declare_topology

logger = logging.getLogger(__name__)

NOTIFY_CHANNEL = "mcp_payments_events"  # the trigger of migration 0002 notifies this channel
MAX_BACKOFF_SECONDS = 5.0


# The API representation of an event (EventSerializer, API.md §4), built by PostgreSQL: the
# relay neither decodes `data` nor runs a serializer per event (a test holds the two equal).
_SELECT_BATCH = """
    SELECT id, type, json_build_object(
        'id', id,
        'object', 'event',
        'type', type,
        'created', to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'merchant', merchant_id,
        'data', data,
        'request_id', request_id,
        'sequence', sequence
    )::text, traceparent
    FROM events_event
    WHERE published_at IS NULL
    ORDER BY id
    LIMIT %s
    FOR UPDATE SKIP LOCKED
"""


def event_message(
    event_id: str, event_type: str, body: str, traceparent: str = ""
) -> OutgoingMessage:
    """The message of one event: its API representation, routed by type; `traceparent` (the
    relay's publish span, when tracing) goes in the W3C `traceparent` header."""
    headers = {"event_type": event_type}
    if traceparent:
        headers[TRACEPARENT_HEADER] = traceparent
    return OutgoingMessage(
        exchange=settings.EVENTS_EXCHANGE,
        routing_key=event_type,
        body=body.encode(),
        message_id=event_id,
        headers=headers,
    )


def relay_publish_batch(limit: int = 500, *, publisher: ConfirmingPublisher | None = None) -> int:
    """Publish up to `limit` committed, unpublished events; return how many were published.

    Owns its transaction. Raises the broker's error (nothing marked) when a publish fails."""
    if publisher is None:
        with broker_connection() as broker:
            declare_topology(broker.default_channel)
            return relay_publish_batch(limit, publisher=ConfirmingPublisher(broker))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_SELECT_BATCH, [limit])
        rows = cursor.fetchall()
        if not rows:
            return 0
        spans = PublishSpans()
        messages = [
            event_message(
                event_id,
                event_type,
                body,
                spans.start(
                    event_id=event_id,
                    event_type=event_type,
                    traceparent=traceparent,
                    exchange=settings.EVENTS_EXCHANGE,
                ),
            )
            for event_id, event_type, body, traceparent in rows
        ]
        try:
            publisher.publish_batch(messages)
        except BaseException as exc:
            spans.end(error=exc)
            raise
        spans.end()
        if settings.EVENTS_RELAY_PAUSE_BEFORE_MARK_MS:
            # Fault-test hook: a relay killed here has published but not marked.
            time.sleep(settings.EVENTS_RELAY_PAUSE_BEFORE_MARK_MS / 1000)
        cursor.execute(
            "UPDATE events_event SET published_at = now() WHERE id = ANY(%s)",
            [[row[0] for row in rows]],
        )
    return len(rows)


def relay_drain(limit: int, *, publisher: ConfirmingPublisher | None = None) -> int:
    """Publish batches until the outbox is empty (of rows no other relay holds)."""
    total = 0
    while True:
        published = relay_publish_batch(limit, publisher=publisher)
        total += published
        if published < limit:
            return total


class Relay:
    """The long-running relay loop; `stop()` ends it within one poll interval."""

    def __init__(self, *, batch_size: int, poll_seconds: float) -> None:
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._broker = None
        self._publisher: ConfirmingPublisher | None = None
        self._listener: psycopg.Connection | None = None

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
                self._ensure_listener()
                publisher = self._ensure_publisher()
                published = relay_drain(self.batch_size, publisher=publisher)
                if published:
                    logger.debug("relay published %d events", published)
                backoff = 0.5
                self._wait_for_notification()
            except (PublishNotConfirmed, TimeoutError, *broker_errors()):
                logger.warning("relay: broker unavailable, retrying", exc_info=True)
                self._reset_publisher()
                self._stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            except (OperationalError, InterfaceError, DatabaseError, psycopg.Error):
                logger.warning("relay: database unavailable, retrying", exc_info=True)
                self._reset_database()
                self._stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
        self._reset_publisher()
        self._reset_database()

    def _ensure_publisher(self) -> ConfirmingPublisher:
        if self._publisher is None:
            self._broker = broker_connection()
            self._broker.ensure_connection(max_retries=1)
            declare_topology(self._broker.default_channel)
            self._publisher = ConfirmingPublisher(self._broker)
            logger.info("relay connected to the broker")
        return self._publisher

    def _reset_publisher(self) -> None:
        if self._broker is not None:
            try:
                self._broker.release()
            except (OSError, *self._broker.connection_errors):
                logger.debug("relay: error closing the broker connection", exc_info=True)
        self._broker = None
        self._publisher = None

    def _ensure_listener(self) -> None:
        if self._listener is None or self._listener.closed:
            params = connection.settings_dict
            self._listener = psycopg.connect(
                dbname=params["NAME"],
                user=params["USER"] or None,
                password=params["PASSWORD"] or None,
                host=params["HOST"] or None,
                port=params["PORT"] or None,
                autocommit=True,
                connect_timeout=5,
            )
            self._listener.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def _wait_for_notification(self) -> None:
        assert self._listener is not None
        for _ in self._listener.notifies(timeout=self.poll_seconds, stop_after=1):
            break
        # Notifications of transactions already covered by the next sweep: drop them.
        for _ in self._listener.notifies(timeout=0):
            pass

    def _reset_database(self) -> None:
        connection.close()
        if self._listener is not None:
            self._listener.close()
        self._listener = None
