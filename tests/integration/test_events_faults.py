"""Fault tests of the events backbone with real processes: the relay and consumers run as
`manage.py` subprocesses against the committed rows of the test database and the real RabbitMQ.

- the broker stops while customers are created through the API (a private RabbitMQ node,
  tests/fixtures/rabbitmq.py: the shared one is never stopped);
- a handler that always raises: retries, dead letter, replay;
- the relay is killed between publishing and marking: the sweep publishes again, the consumer's
  effect happens once.
"""

import pytest
import redis
from django.conf import settings

from analytics.models import DailyCounter
from mcp_payments.events.models import DeadLetter, Event, ProcessedEvent
from mcp_payments.events.tasks import sweep_outbox
from mcp_payments.events.topology import dead_letter_queue, main_queue
from tests.fixtures.events import MAX_ATTEMPTS, queue_depth, unsettled
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMERS_WHILE_BROKER_DOWN = 20
CUSTOMERS_BEFORE_RELAY_KILL = 10
PROCESS_TIMEOUT = 30
RECOVERY_TIMEOUT = 90
LIVE_COUNTERS = "analytics.live_counters"


def create_customers(api, count: int) -> list[str]:
    ids = []
    for n in range(count):
        response = api.post("/api/v1/customers", {"name": f"Customer {n}"}, format="json")
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    return ids


def counter(merchant, metric: str) -> int:
    return sum(
        DailyCounter.objects.filter(merchant_id=merchant.id, metric=metric).values_list(
            "value", flat=True
        )
    )


def merchant_events(merchant):
    return Event.objects.filter(merchant=merchant, type="customer.created")


def processed(merchant, subscriber: str = LIVE_COUNTERS) -> int:
    ids = merchant_events(merchant).values("id")
    return ProcessedEvent.objects.filter(subscriber=subscriber, event_id__in=ids).count()


def consuming(broker, domain: str) -> bool:
    channel = broker.channel()
    try:
        _, _, consumers = channel.queue_declare(queue=main_queue(domain).name, passive=True)
    finally:
        channel.close()
    return consumers > 0


def test_customers_created_while_the_broker_is_down_are_all_counted_once(
    processes, rabbitmq, private_broker, api, merchant
):
    relay = processes.relay()
    processes.consumer("analytics")
    wait_until(lambda: consuming(private_broker, "analytics"), timeout=PROCESS_TIMEOUT)
    create_customers(api, 1)
    wait_until(
        lambda: counter(merchant, "customers_created") == 1,
        timeout=PROCESS_TIMEOUT,
        message=f"warm-up event consumed\n{processes.logs_tail()}",
    )
    private_broker.release()

    try:
        rabbitmq.stop()
        created = create_customers(api, CUSTOMERS_WHILE_BROKER_DOWN)
        assert len(created) == CUSTOMERS_WHILE_BROKER_DOWN
        # The events wait in the outbox; the relay keeps retrying.
        assert merchant_events(merchant).filter(published_at=None).count() == (
            CUSTOMERS_WHILE_BROKER_DOWN
        )
        assert relay.alive()
    finally:
        rabbitmq.start()

    total = CUSTOMERS_WHILE_BROKER_DOWN + 1
    wait_until(
        lambda: counter(merchant, "customers_created") == total,
        timeout=RECOVERY_TIMEOUT,
        interval=0.5,
        message=f"every event consumed after the restart\n{processes.logs_tail()}",
    )
    assert merchant_events(merchant).filter(published_at=None).count() == 0
    assert processed(merchant) == total
    assert counter(merchant, "customers_created") == total


@pytest.fixture
def flaky_flag(events_namespace):
    """Switch the test subscriber `tests.flaky` off (raising) for one merchant."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = f"tests:{events_namespace.prefix}flaky"

    class Flag:
        def fail_for(self, merchant) -> None:
            client.set(key, merchant.id)
            client.delete(f"{key}:failures")

        def clear(self) -> None:
            client.delete(key)

        def failures(self) -> int:
            return int(client.get(f"{key}:failures") or 0)

    flag = Flag()
    try:
        yield flag
    finally:
        client.delete(key, f"{key}:failures")
        client.close()


def test_a_handler_that_always_fails_is_dead_lettered_then_replayed_once(
    processes, broker, api, merchant, staff_client, flaky_flag
):
    processes.relay()
    processes.consumer("realtime")
    wait_until(lambda: consuming(broker, "realtime"), timeout=PROCESS_TIMEOUT)
    flaky_flag.fail_for(merchant)

    [customer] = create_customers(api, 1)
    event = merchant_events(merchant).get()

    letter = wait_until(
        lambda: DeadLetter.objects.filter(event_id=event.id).first(),
        timeout=PROCESS_TIMEOUT,
        message=f"the event dead-lettered\n{processes.logs_tail()}",
    )
    assert flaky_flag.failures() == MAX_ATTEMPTS
    wait_until(lambda: queue_depth(broker, dead_letter_queue("realtime")) == 1, timeout=5)
    listed = staff_client.get("/api/v1/system/dead_letters?queue=events.realtime").json()
    assert [(row["id"], row["event"], row["status"]) for row in listed["data"]] == [
        (letter.id, event.id, "pending")
    ]
    row = listed["data"][0]
    assert row["attempts"] == MAX_ATTEMPTS
    assert row["subscriber"] == "tests.flaky"
    assert row["error"] == "RuntimeError: the flaky subscriber is switched off"
    assert row["payload"]["data"]["object"]["id"] == customer
    assert counter(merchant, "flaky_processed") == 0

    flaky_flag.clear()
    response = staff_client.post(
        "/api/v1/system/dead_letters/replay", {"ids": [letter.id]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["dead_letters"] == [letter.id]
    wait_until(
        lambda: counter(merchant, "flaky_processed") == 1,
        timeout=PROCESS_TIMEOUT,
        message=f"the replayed event processed\n{processes.logs_tail()}",
    )
    assert processed(merchant, "tests.flaky") == 1
    assert flaky_flag.failures() == MAX_ATTEMPTS
    assert queue_depth(broker, dead_letter_queue("realtime")) == 0
    assert staff_client.get("/api/v1/system/dead_letters").json()["data"][0]["status"] == (
        "replayed"
    )
    again = staff_client.post("/api/v1/system/dead_letters/replay", {"all": True}, format="json")
    assert again.json()["replayed"] == 0
    assert counter(merchant, "flaky_processed") == 1


def test_a_relay_killed_after_publishing_before_marking_loses_and_doubles_nothing(
    processes, broker, api, merchant
):
    consumer = processes.consumer("analytics")
    wait_until(lambda: consuming(broker, "analytics"), timeout=PROCESS_TIMEOUT)
    create_customers(api, CUSTOMERS_BEFORE_RELAY_KILL)  # committed, no relay running yet
    assert merchant_events(merchant).filter(published_at=None).count() == (
        CUSTOMERS_BEFORE_RELAY_KILL
    )

    relay = processes.relay(EVENTS_RELAY_PAUSE_BEFORE_MARK_MS="60000")
    wait_until(
        lambda: counter(merchant, "customers_created") == CUSTOMERS_BEFORE_RELAY_KILL,
        timeout=PROCESS_TIMEOUT,
        message=f"published and consumed before the kill\n{processes.logs_tail()}",
    )
    relay.kill()  # published and confirmed, never marked
    consumer.stop()
    assert merchant_events(merchant).filter(published_at=None).count() == (
        CUSTOMERS_BEFORE_RELAY_KILL
    )

    # The beat sweep publishes them again (the killed relay's row locks go with its session).
    republished = [0]

    def swept_all() -> bool:
        republished[0] += sweep_outbox()
        return republished[0] >= CUSTOMERS_BEFORE_RELAY_KILL

    wait_until(swept_all, timeout=PROCESS_TIMEOUT, interval=0.2)
    assert republished[0] == CUSTOMERS_BEFORE_RELAY_KILL
    assert merchant_events(merchant).filter(published_at=None).count() == 0
    assert queue_depth(broker, main_queue("analytics")) == CUSTOMERS_BEFORE_RELAY_KILL

    restarted = processes.consumer("analytics")
    # Settled, not just delivered: a prefetched, unacked batch reads as depth 0 until the stop.
    wait_until(
        lambda: unsettled(broker, main_queue("analytics")) == 0,
        timeout=PROCESS_TIMEOUT,
        message=f"the duplicates consumed and acked\n{processes.logs_tail()}",
    )
    restarted.stop()  # anything still unacked would be back in the queue now
    assert queue_depth(broker, main_queue("analytics")) == 0
    assert processed(merchant) == CUSTOMERS_BEFORE_RELAY_KILL
    assert counter(merchant, "customers_created") == CUSTOMERS_BEFORE_RELAY_KILL
