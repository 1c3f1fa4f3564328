"""Celery workers as real processes: tasks survive SIGKILL with exactly-once effect, and the
scheduled jobs run on a live worker.

The worker listens on a queue of this test session only (`test.<token>.tasks`); the tasks are
sent there explicitly, so a developer's running worker never sees them.
"""

import os
import signal
import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from analytics.models import DailyCounter
from mcp_payments.api.models import IdempotencyRecord
from mcp_payments.celery import app
from mcp_payments.events.models import Event, ProcessedEvent
from mcp_payments.events.services import emit
from mcp_payments.events.topology import broker_connection
from mcp_payments.monitoring.workers import workers_seen
from tests.fixtures.factories import CustomerFactory
from tests.integration.conftest import wait_until
from tests.integration.worker_tasks import DAY, SUBSCRIBER

pytestmark = pytest.mark.django_db(transaction=True)

# Pool processes killed mid-task, alternately before and after the task's effect commits.
CHILD_KILLS = 30
# Whole workers (main process and pool) killed mid-task, then restarted.
WORKER_KILLS = 3
TASK_PAUSE_SECONDS = 0.4
TASK = "tests.integration.worker_tasks.effect_once"


@pytest.fixture(scope="session")
def task_queue(events_namespace) -> Iterator[str]:
    """The test workers' Celery queue, deleted at the end of the session (the producer of this
    process declares it once and remembers it)."""
    name = f"{events_namespace.prefix}tasks"
    yield name
    with broker_connection() as connection:
        connection.default_channel.queue_delete(name)
        connection.default_channel.exchange_delete(name)


@pytest.fixture
def marks(events_namespace):
    """What the test task records in Redis, under a key space of this test."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    namespace = f"tests:{events_namespace.prefix}worker:{time.time_ns()}"

    class Marks:
        name = namespace

        def get(self, kind: str, key: str) -> bytes | None:
            return client.get(f"{namespace}:{kind}:{key}")

        def clear(self, kind: str, key: str) -> None:
            client.delete(f"{namespace}:{kind}:{key}")

        def skipped(self) -> int:
            return int(client.get(f"{namespace}:skipped") or 0)

    try:
        yield Marks()
    finally:
        for key in client.scan_iter(f"{namespace}:*"):
            client.delete(key)
        client.close()


def worker_hostname(events_namespace, label: str) -> str:
    return f"{label}-{events_namespace.token}@{socket.gethostname()}"


def send(queue: str, key: str, namespace: str, *, before: float, after: float) -> None:
    app.send_task(TASK, args=[key, namespace, before, after], queue=queue)


def running_pid(marks, key: str) -> int:
    raw = wait_until(lambda: marks.get("running", key), timeout=60, interval=0.02)
    return int(raw)


def test_tasks_killed_mid_run_complete_exactly_once_in_effect(
    processes, events_namespace, task_queue, marks
):
    worker = processes.worker(task_queue, worker_hostname(events_namespace, "kill"))
    keys: list[str] = []
    killed_after_effect = 0

    for n in range(CHILD_KILLS):
        key = f"child-{n}"
        keys.append(key)
        after_effect = n % 2 == 1
        if after_effect:
            send(task_queue, key, marks.name, before=0, after=TASK_PAUSE_SECONDS)
            pid = running_pid(marks, key)
            wait_until(lambda key=key: marks.get("effect", key), timeout=30, interval=0.01)
            killed_after_effect += 1
        else:
            send(task_queue, key, marks.name, before=TASK_PAUSE_SECONDS, after=0)
            pid = running_pid(marks, key)
            time.sleep(TASK_PAUSE_SECONDS / 4)
        assert marks.get("done", key) is None, f"{key} finished before it could be killed"
        os.kill(pid, signal.SIGKILL)  # the pool process running the task

    for n in range(WORKER_KILLS):
        key = f"worker-{n}"
        keys.append(key)
        send(task_queue, key, marks.name, before=0, after=TASK_PAUSE_SECONDS * 2)
        wait_until(lambda key=key: marks.get("effect", key), timeout=60, interval=0.01)
        assert marks.get("done", key) is None
        worker.kill()  # main process and pool, mid-task: the broker requeues the task
        killed_after_effect += 1
        worker = processes.worker(task_queue, worker_hostname(events_namespace, f"kill{n}"))

    wait_until(
        lambda: all(marks.get("done", key) for key in keys),
        timeout=120,
        interval=0.2,
        message=f"every task completed\n{processes.logs_tail()}",
    )
    assert ProcessedEvent.objects.filter(subscriber=SUBSCRIBER).count() == len(keys)
    assert set(
        ProcessedEvent.objects.filter(subscriber=SUBSCRIBER).values_list("event_id", flat=True)
    ) == set(keys)
    counter = DailyCounter.objects.get(merchant_id=marks.name, day=DAY, metric="tasks_done")
    assert counter.value == len(keys)
    # Each task killed after its effect ran again and found its effect already there.
    assert marks.skipped() == killed_after_effect


def test_scheduled_jobs_run_on_a_live_worker(processes, events_namespace, task_queue, broker):
    host = worker_hostname(events_namespace, "beat")
    processes.worker(task_queue, host)
    wait_until(
        lambda: host in [worker["hostname"] for worker in workers_seen()],
        timeout=60,
        message=f"the worker records its presence\n{processes.logs_tail()}",
    )
    now = timezone.now()
    for key, expires in (("old", now - timedelta(hours=1)), ("new", now + timedelta(hours=1))):
        IdempotencyRecord.objects.create(
            scope="s", key=key, fingerprint="f", locked_at=now, created=now, expires_at=expires
        )
    with transaction.atomic():
        emit("customer.created", CustomerFactory())

    purged = app.send_task(
        "mcp_payments.api.tasks.purge_expired_idempotency_keys", queue=task_queue
    ).get(timeout=60)
    swept = app.send_task("mcp_payments.events.tasks.sweep_outbox", queue=task_queue).get(
        timeout=60
    )
    ran_on = app.send_task("mcp_payments.monitoring.tasks.heartbeat", queue=task_queue).get(
        timeout=60
    )

    assert purged == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert swept == 1
    assert Event.objects.filter(published_at=None).count() == 0
    assert ran_on == host
    with override_settings(READY_REQUIRE_WORKERS=True):
        ready = Client().get("/health/ready").json()
    assert ready["checks"]["workers"]["ok"] is True
    assert ready["checks"]["workers"]["count"] >= 1
