"""GET /system/status, the readiness additions (outbox lag, workers) and the monitoring jobs."""

import socket
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from kombu import Producer

from mcp_payments.events.dead_letters import dead_letter_record
from mcp_payments.events.models import Event
from mcp_payments.events.services import emit
from mcp_payments.events.topology import main_queue
from mcp_payments.monitoring import workers
from mcp_payments.monitoring.beat import beat_schedule_sync
from mcp_payments.monitoring.models import SystemAlert
from mcp_payments.monitoring.tasks import check_thresholds, heartbeat
from tests.fixtures.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def presence():
    """Worker presence recorded under this test database's key; removed afterwards."""
    recorded: list[str] = []

    def record(hostname: str, queues: list[str]) -> None:
        workers.worker_presence_record(hostname=hostname, queues=queues)
        recorded.append(hostname)

    yield record
    for hostname in recorded:
        workers.worker_presence_remove(hostname=hostname)


def unpublished_event(age_seconds: float) -> Event:
    with transaction.atomic():
        event = emit("customer.created", CustomerFactory())
    Event.objects.filter(pk=event.pk).update(
        created=timezone.now() - timedelta(seconds=age_seconds)
    )
    return event


def test_status_reports_queues_outbox_dead_letters_workers_and_beat(broker, staff_client, presence):
    unpublished_event(age_seconds=30)
    Producer(broker.default_channel).publish(
        "{}", exchange="", routing_key=main_queue("analytics").name
    )
    dead_letter_record(
        queue="events.compliance",
        event={"id": "evt_X", "type": "payment.succeeded"},
        subscriber="compliance.aml",
        error="E",
        attempts=5,
    )
    presence("tests-worker@host", ["monitoring", "payments"])
    ran = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
    PeriodicTask.objects.create(
        name="t",
        task="mcp_payments.monitoring.tasks.heartbeat",
        interval=IntervalSchedule.objects.create(every=10, period="seconds"),
        last_run_at=ran,
    )

    response = staff_client.get("/api/v1/system/status")

    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "system_status"
    assert body["outbox"]["unpublished"] == 1
    assert 29 <= body["outbox"]["oldest_age_seconds"] < 60
    assert body["dead_letters"] == {
        "events.realtime": 0,
        "events.notifications": 0,
        "events.analytics": 0,
        "events.compliance": 1,
    }
    assert body["queues"]["ok"] is True
    assert body["queues"]["events"]["events.analytics"] == {
        "declared": True,
        "messages": 1,
        "consumers": 0,
        "retrying": 0,
        "dlq_messages": 0,
    }
    assert set(body["queues"]["events"]) == {
        "events.realtime",
        "events.notifications",
        "events.analytics",
        "events.compliance",
    }
    assert set(body["queues"]["celery"]) == {
        "payments",
        "analytics",
        "compliance",
        "notifications",
        "monitoring",
    }
    seen = {worker["hostname"]: worker for worker in body["workers"]["seen"]}
    assert seen["tests-worker@host"]["queues"] == ["monitoring", "payments"]
    assert body["workers"]["count"] == len(body["workers"]["seen"])
    assert body["last_beat_run"] == ran.isoformat().replace("+00:00", "Z")


def test_status_reports_an_unreachable_broker(staff_client, settings):
    settings.EVENTS_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    body = staff_client.get("/api/v1/system/status").json()
    assert body["queues"]["ok"] is False
    assert body["queues"]["error"]
    assert body["outbox"] == {"unpublished": 0, "oldest_age_seconds": None}


def test_status_is_for_platform_staff_only(api, member_client, merchant):
    assert api.get("/api/v1/system/status").status_code == 403
    assert member_client(merchant, role="admin").get("/api/v1/system/status").status_code == 403
    assert Client().get("/api/v1/system/status").status_code == 401


def test_readiness_fails_when_the_outbox_lags(settings):
    settings.READY_OUTBOX_MAX_LAG_SECONDS = 60
    unpublished_event(age_seconds=10)
    assert Client().get("/health/ready").status_code == 200

    unpublished_event(age_seconds=120)
    response = Client().get("/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["outbox"]
    assert body["checks"]["outbox"]["unpublished"] == 2
    assert body["checks"]["outbox"]["oldest_age_seconds"] >= 120
    assert body["checks"]["outbox"]["error"] == "oldest unpublished event is older than 60 s"


def test_readiness_requires_workers_only_when_configured(settings, presence):
    settings.READY_REQUIRE_WORKERS = False
    existing = workers.workers_seen()
    ready = Client().get("/health/ready").json()
    assert ready["checks"]["workers"]["ok"] is True
    assert ready["checks"]["workers"]["count"] == len(existing)

    if not existing:
        settings.READY_REQUIRE_WORKERS = True
        response = Client().get("/health/ready")
        assert response.status_code == 503
        assert response.json()["failed"] == ["workers"]

    settings.READY_REQUIRE_WORKERS = True
    presence("tests-ready@host", ["monitoring"])
    body = Client().get("/health/ready").json()
    assert body["checks"]["workers"]["ok"] is True
    assert body["checks"]["workers"]["count"] == len(existing) + 1


def test_stale_workers_are_dropped(presence, monkeypatch):
    presence("tests-stale@host", ["monitoring"])
    monkeypatch.setattr(workers, "WORKER_STALE_SECONDS", -1.0)
    assert "tests-stale@host" not in [worker["hostname"] for worker in workers.workers_seen()]


def test_check_thresholds_raises_one_alert_per_crossing_and_window(broker, settings):
    settings.MONITORING_OUTBOX_LAG_ALERT_SECONDS = 60
    settings.MONITORING_DLQ_ALERT = 1
    settings.MONITORING_QUEUE_DEPTH_ALERT = 1
    unpublished_event(age_seconds=300)
    dead_letter_record(
        queue="events.analytics",
        event={"id": "evt_Y", "type": "customer.created"},
        subscriber="s",
        error="E",
        attempts=3,
    )
    Producer(broker.default_channel).publish(
        "{}", exchange="", routing_key=main_queue("compliance").name
    )

    ids = check_thresholds()

    alerts = {alert.kind: alert for alert in SystemAlert.objects.filter(id__in=ids)}
    assert set(alerts) >= {"outbox_lag", "dead_letters", "queue_depth"}
    assert alerts["dead_letters"].subject == "events.analytics"
    assert alerts["dead_letters"].details == {"queue": "events.analytics", "pending": 1}
    assert alerts["outbox_lag"].severity == "critical"
    depth_subjects = set(
        SystemAlert.objects.filter(kind="queue_depth").values_list("subject", flat=True)
    )
    assert "events.compliance" in depth_subjects
    events = Event.objects.filter(type="system.alert")
    assert events.count() == len(ids)
    payload = events.get(object_id=alerts["dead_letters"].id).data["object"]
    assert payload["object"] == "system_alert"
    assert payload["kind"] == "dead_letters"
    assert events.first().merchant_id is None
    assert check_thresholds() == []  # same window: no repeat


def test_an_unreachable_broker_is_an_alert(settings):
    settings.EVENTS_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    ids = check_thresholds()
    assert list(SystemAlert.objects.filter(id__in=ids).values_list("kind", flat=True)) == [
        "broker_unreachable"
    ]


def test_heartbeat_task_records_the_worker_that_ran_it():
    result = heartbeat.apply().get()
    assert result == socket.gethostname()
    last = workers.last_heartbeat()
    assert last["hostname"] == result
    assert 0 <= last["seconds_ago"] < 5


def test_the_code_beat_schedule_is_synced_into_the_database(settings):
    PeriodicTask.objects.all().delete()
    names = beat_schedule_sync()
    beat_schedule_sync()  # idempotent

    tasks = {task.name: task for task in PeriodicTask.objects.all()}
    assert set(tasks) == set(settings.CELERY_BEAT_SCHEDULE) == set(names)
    sweep = tasks["sweep-outbox"]
    assert sweep.task == "mcp_payments.events.tasks.sweep_outbox"
    assert (sweep.interval.every, sweep.interval.period) == (5, "seconds")
    assert tasks["check-thresholds"].task == "mcp_payments.monitoring.tasks.check_thresholds"
    assert tasks["monitoring-heartbeat"].interval.every == 10


def test_a_worker_is_seen_from_ready_to_shutdown():
    queues = SimpleNamespace(consume_from={"monitoring": object(), "payments": object()})
    app = SimpleNamespace(amqp=SimpleNamespace(queues=queues))
    sender = SimpleNamespace(hostname="tests-presence@host", app=app)

    workers.on_worker_ready(sender=sender)
    try:
        seen = wait_for_worker("tests-presence@host")
    finally:
        workers.on_worker_shutdown(sender=sender)

    assert seen["queues"] == ["monitoring", "payments"]
    assert "tests-presence@host" not in [worker["hostname"] for worker in workers.workers_seen()]


def wait_for_worker(hostname: str) -> dict:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for worker in workers.workers_seen():
            if worker["hostname"] == hostname:
                return worker
        time.sleep(0.05)
    raise AssertionError(f"{hostname} not seen")
