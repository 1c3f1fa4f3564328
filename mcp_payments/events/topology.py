"""The RabbitMQ topology of the events backbone, declared by the code (idempotently) whenever the
relay or a consumer starts.

- `mcp_payments.events` (topic, durable): the relay publishes every event there, routing key =
  event type.
- `events.<domain>` (durable), one per subscribing domain, bound by its subscribers' patterns;
  a message it rejects goes to the dead-letter exchange.
- `events.<domain>.retry.<delay>ms`: one durable queue per backoff step, with that queue-level TTL,
  dead-lettering back to `events.<domain>` through the default exchange. (One queue per delay:
  RabbitMQ expires only the head of a queue, so mixed per-message TTLs in one queue would hold a
  short retry behind a long one.)
- `mcp_payments.dlx` (direct, durable) → `events.<domain>.dlq`, routing key = the queue name.

Queue names are prefixed with `EVENTS_QUEUE_PREFIX` (empty in production; unique in tests and
benchmarks). The API and the DeadLetter table use the logical, unprefixed names.
"""

from typing import Any

from django.conf import settings
from kombu import Connection, Exchange, Queue, binding
from kombu.exceptions import OperationalError as KombuOperationalError

from .subscribers import DOMAINS, bindings_for


def broker_connection(*, confirm_publish: bool = False, **kwargs: Any) -> Connection:
    """A new (lazy) connection to the events broker."""
    options = {"confirm_publish": True} if confirm_publish else {}
    kwargs.setdefault("connect_timeout", 5)
    return Connection(settings.EVENTS_BROKER_URL, transport_options=options, **kwargs)


def logical_queue(domain: str) -> str:
    return f"events.{domain}"


def physical_name(logical: str) -> str:
    return f"{settings.EVENTS_QUEUE_PREFIX}{logical}"


def domain_of(logical: str) -> str:
    domain = logical.removeprefix("events.")
    if logical != logical_queue(domain) or domain not in DOMAINS:
        raise ValueError(f"Unknown events queue {logical!r}")
    return domain


def events_exchange() -> Exchange:
    return Exchange(settings.EVENTS_EXCHANGE, type="topic", durable=True)


def dead_letter_exchange() -> Exchange:
    return Exchange(settings.EVENTS_DEAD_LETTER_EXCHANGE, type="direct", durable=True)


def main_queue(domain: str) -> Queue:
    name = physical_name(logical_queue(domain))
    exchange = events_exchange()
    return Queue(
        name,
        bindings=[binding(exchange, routing_key=pattern) for pattern in bindings_for(domain)],
        durable=True,
        queue_arguments={
            "x-dead-letter-exchange": settings.EVENTS_DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": name,
        },
    )


def dead_letter_queue(domain: str) -> Queue:
    name = physical_name(logical_queue(domain))
    return Queue(f"{name}.dlq", exchange=dead_letter_exchange(), routing_key=name, durable=True)


def retry_delay_ms(attempt: int) -> int:
    """The wait before delivery `attempt + 1` after delivery `attempt` (1-based) failed."""
    delays = settings.EVENTS_RETRY_DELAYS_MS
    return delays[min(attempt, len(delays)) - 1]


def retry_queue(domain: str, delay_ms: int) -> Queue:
    name = physical_name(logical_queue(domain))
    return Queue(
        f"{name}.retry.{delay_ms}ms",
        durable=True,
        queue_arguments={
            "x-message-ttl": delay_ms,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": name,
        },
    )


def domain_queues(domain: str) -> list[Queue]:
    delays = sorted(set(settings.EVENTS_RETRY_DELAYS_MS))
    return [
        main_queue(domain),
        dead_letter_queue(domain),
        *(retry_queue(domain, delay) for delay in delays),
    ]


def declare_topology(channel: Any) -> None:
    """Declare the exchanges and every domain's queues and bindings (idempotent)."""
    events_exchange()(channel).declare()
    dead_letter_exchange()(channel).declare()
    for domain in DOMAINS:
        for queue in domain_queues(domain):
            queue(channel).declare()


# Headers the consumers set on retried and dead-lettered messages.
ATTEMPT_HEADER = "x-mcp-attempt"  # delivery number of this message to its queue, 1-based
ERROR_HEADER = "x-mcp-error"
SUBSCRIBER_HEADER = "x-mcp-subscriber"
EVENT_ID_HEADER = "x-mcp-event-id"
REPLAY_OF_HEADER = "x-mcp-replay-of"


def broker_errors() -> tuple[type[BaseException], ...]:
    """What a broker outage raises: kombu's wrapped errors and the transport's own."""
    probe = Connection(settings.EVENTS_BROKER_URL)
    return (KombuOperationalError, OSError, *probe.connection_errors, *probe.channel_errors)
