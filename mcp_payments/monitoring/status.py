"""The operational picture behind `GET /system/status`, `/health/ready` and the threshold checks:
queue depths, dead letters, outbox lag, workers seen, last beat run."""

import logging
from dataclasses import dataclass
from typing import Any

import redis
from django.db import connection
from django.db.models import Max
from django_celery_beat.models import PeriodicTask
from kombu import Connection

from mcp_payments.events.dead_letters import dead_letter_counts
from mcp_payments.events.subscribers import DOMAINS
from mcp_payments.events.topology import (
    broker_connection,
    broker_errors,
    dead_letter_queue,
    domain_queues,
    logical_queue,
    main_queue,
)

from .workers import last_heartbeat, workers_seen

logger = logging.getLogger(__name__)

CELERY_QUEUES: tuple[str, ...] = (
    "payments",
    "analytics",
    "compliance",
    "notifications",
    "monitoring",
)
BROKER_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class OutboxLag:
    unpublished: int
    oldest_age_seconds: float | None


def outbox_lag() -> OutboxLag:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), EXTRACT(EPOCH FROM (clock_timestamp() - min(created))) "
            "FROM events_event WHERE published_at IS NULL"
        )
        count, age = cursor.fetchone()
    return OutboxLag(count, round(float(age), 3) if age is not None else None)


def _queue_counts(broker: Connection, name: str) -> tuple[int, int] | None:
    """(messages ready, consumers) of an existing queue, None when it does not exist."""
    channel = broker.channel()
    try:
        _, messages, consumers = channel.queue_declare(queue=name, passive=True)
        return messages, consumers
    except broker.channel_errors:
        return None
    finally:
        if channel.is_open:
            channel.close()


def broker_queues() -> dict[str, Any]:
    """Depths of the events queues (with their DLQ and retry queues) and the Celery queues.
    Raises the broker's connection error when it is unreachable."""
    with broker_connection(connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        events = {}
        for domain in DOMAINS:
            main = _queue_counts(broker, main_queue(domain).name)
            dlq = _queue_counts(broker, dead_letter_queue(domain).name)
            retry_names = [queue.name for queue in domain_queues(domain)[2:]]
            retrying = sum((_queue_counts(broker, name) or (0, 0))[0] for name in retry_names)
            events[logical_queue(domain)] = {
                "declared": main is not None,
                "messages": main[0] if main else 0,
                "consumers": main[1] if main else 0,
                "retrying": retrying,
                "dlq_messages": dlq[0] if dlq else 0,
            }
        celery = {}
        for name in CELERY_QUEUES:
            counts = _queue_counts(broker, name)
            celery[name] = {
                "declared": counts is not None,
                "messages": counts[0] if counts else 0,
                "consumers": counts[1] if counts else 0,
            }
    return {"events": events, "celery": celery}


def last_beat_run() -> str | None:
    value = PeriodicTask.objects.aggregate(last=Max("last_run_at"))["last"]
    return value.isoformat().replace("+00:00", "Z") if value else None


def system_status() -> dict[str, Any]:
    """Every section answers on its own: an unreachable broker or Redis is reported, not
    raised."""
    lag = outbox_lag()
    status: dict[str, Any] = {
        "object": "system_status",
        "outbox": {"unpublished": lag.unpublished, "oldest_age_seconds": lag.oldest_age_seconds},
        "dead_letters": dead_letter_counts(),
        "last_beat_run": last_beat_run(),
    }
    try:
        status["queues"] = {"ok": True, **broker_queues()}
    except broker_errors() as exc:
        logger.warning("system status: broker unreachable", exc_info=True)
        status["queues"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
    try:
        workers = workers_seen()
        status["workers"] = {
            "ok": True,
            "count": len(workers),
            "seen": workers,
            "last_heartbeat_task": last_heartbeat(),
        }
    except redis.RedisError as exc:
        status["workers"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
    return status
