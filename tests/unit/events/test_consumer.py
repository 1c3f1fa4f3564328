"""The subscriber consumer against the real broker: exactly-once effect, retries with backoff,
dead letters, undecodable messages, database outages."""

import json
import threading
import time
from datetime import date

import pytest
from django.db import OperationalError, transaction
from kombu import Producer

from analytics.selectors import counter_value
from mcp_payments.events import consumer as consumer_module
from mcp_payments.events.api.serializers import EventSerializer
from mcp_payments.events.consumer import EventConsumer, build_consumer
from mcp_payments.events.models import DeadLetter, ProcessedEvent
from mcp_payments.events.services import emit
from mcp_payments.events.subscribers import subscriber, unregister
from mcp_payments.events.topology import (
    ATTEMPT_HEADER,
    ERROR_HEADER,
    EVENT_ID_HEADER,
    SUBSCRIBER_HEADER,
    broker_connection,
    dead_letter_queue,
    main_queue,
    retry_queue,
)
from tests.fixtures.events import get_message, queue_depth
from tests.fixtures.factories import CustomerFactory

FAILING = "tests.always_fails"


def created_event(customer=None) -> dict:
    customer = customer or CustomerFactory()
    with transaction.atomic():
        event = emit("customer.created", customer)
    return json.loads(json.dumps(EventSerializer(event).data))


def publish(connection, domain: str, event: dict | str, headers: dict | None = None) -> None:
    body = event if isinstance(event, str) else json.dumps(event)
    Producer(connection.default_channel).publish(
        body,
        exchange="",
        routing_key=main_queue(domain).name,
        content_type="application/json",
        content_encoding="utf-8",
        headers=headers or {},
        delivery_mode=2,
    )


def receive(connection, domain: str, *, timeout: float = 3.0):
    """One message of the domain's main queue, unacked (the consumer settles it)."""
    deadline = time.monotonic() + timeout
    queue = main_queue(domain)(connection.default_channel)
    while time.monotonic() < deadline:
        message = queue.get(no_ack=False)
        if message is not None:
            return message
        time.sleep(0.02)
    raise AssertionError(f"no message on {domain} within {timeout} s")


@pytest.fixture
def consumer(broker):
    instance = build_consumer(domains=["analytics", "realtime"], prefetch=10, batch_size=10)
    yield instance
    instance.on_consume_end(None, None)
    instance.connection.release()


@pytest.fixture
def failing_subscriber():
    calls: list[str] = []

    @subscriber("realtime", "customer.created", name=FAILING)
    def always_fails(event):
        calls.append(event["id"])
        raise RuntimeError("boom")

    yield calls
    unregister(FAILING)


def handle(consumer: EventConsumer, domain: str, *messages) -> None:
    for message in messages:
        consumer.on_message(domain, message)
    consumer.flush()


def processed(subscriber_name: str) -> int:
    return ProcessedEvent.objects.filter(subscriber=subscriber_name).count()


@pytest.mark.django_db
def test_an_event_has_its_effect_once_even_when_delivered_twice(broker, consumer):
    event = created_event()
    publish(broker, "analytics", event)
    publish(broker, "analytics", event)

    handle(consumer, "analytics", receive(broker, "analytics"))
    handle(consumer, "analytics", receive(broker, "analytics"))

    day = date.fromisoformat(event["created"][:10])
    assert counter_value(merchant_id=event["merchant"], day=day, metric="customers_created") == 1
    assert processed("analytics.live_counters") == 1
    broker.default_channel.close()  # anything unacked would be requeued now
    assert queue_depth(broker, main_queue("analytics")) == 0


@pytest.mark.django_db
def test_a_batch_applies_each_event_once_in_one_upsert(broker, consumer):
    customer = CustomerFactory()
    events = [created_event(customer) for _ in range(3)]
    for event in [*events, events[0]]:
        publish(broker, "analytics", event)

    handle(consumer, "analytics", *[receive(broker, "analytics") for _ in range(4)])

    day = date.fromisoformat(events[0]["created"][:10])
    assert counter_value(merchant_id=customer.merchant_id, day=day, metric="customers_created") == 3
    assert processed("analytics.live_counters") == 3


@pytest.mark.django_db
def test_a_failing_handler_is_retried_with_backoff_then_dead_lettered(
    broker, consumer, failing_subscriber
):
    event = created_event()
    publish(broker, "realtime", event)

    handle(consumer, "realtime", receive(broker, "realtime"))
    assert queue_depth(broker, retry_queue("realtime", 100)) == 1
    second = receive(broker, "realtime", timeout=3)  # back after the 100 ms TTL
    assert second.headers[ATTEMPT_HEADER] == 2
    assert second.headers[ERROR_HEADER] == "RuntimeError: boom"
    assert second.headers[SUBSCRIBER_HEADER] == FAILING
    assert second.properties["message_id"] == event["id"]
    assert json.loads(second.body) == event

    handle(consumer, "realtime", second)
    assert queue_depth(broker, retry_queue("realtime", 200)) == 1
    third = receive(broker, "realtime", timeout=3)
    assert third.headers[ATTEMPT_HEADER] == 3
    handle(consumer, "realtime", third)

    letter = DeadLetter.objects.get()
    assert letter.queue == "events.realtime"
    assert letter.event_id == event["id"]
    assert letter.event_type == "customer.created"
    assert letter.subscriber == FAILING
    assert letter.error == "RuntimeError: boom"
    assert letter.attempts == 3
    assert letter.payload == event
    assert letter.replayed_at is None
    copy = get_message(broker, dead_letter_queue("realtime"))
    assert copy.properties["message_id"] == letter.id
    assert copy.headers[EVENT_ID_HEADER] == event["id"]
    assert copy.headers[ATTEMPT_HEADER] == 3
    assert failing_subscriber == [event["id"]] * 3
    assert processed(FAILING) == 0
    broker.default_channel.close()
    assert queue_depth(broker, main_queue("realtime")) == 0


@pytest.mark.django_db
def test_a_failure_in_a_batch_keeps_the_other_effects(broker, consumer):
    customer = CustomerFactory()
    events = [created_event(customer) for _ in range(3)]
    poisoned = events[1]["id"]

    @subscriber("analytics", "customer.created", name="tests.picky")
    def picky(event):
        if event["id"] == poisoned:
            raise ValueError("poisoned")

    try:
        for event in events:
            publish(broker, "analytics", event)
        handle(consumer, "analytics", *[receive(broker, "analytics") for _ in range(3)])
    finally:
        unregister("tests.picky")

    day = date.fromisoformat(events[0]["created"][:10])
    assert counter_value(merchant_id=customer.merchant_id, day=day, metric="customers_created") == 3
    assert processed("analytics.live_counters") == 3
    assert set(
        ProcessedEvent.objects.filter(subscriber="tests.picky").values_list("event_id", flat=True)
    ) == {events[0]["id"], events[2]["id"]}
    # Only the poisoned event is retried: after its 100 ms delay (a TTL, so not counted at an
    # instant) it is back on the main queue.
    back = receive(broker, "analytics")
    back.ack()
    assert json.loads(back.body)["id"] == poisoned


@pytest.mark.django_db
def test_an_undecodable_message_goes_to_the_dlq_without_a_row(broker, consumer):
    publish(broker, "analytics", "this is not json")
    publish(broker, "analytics", '{"no": "event"}')

    consumer.on_message("analytics", receive(broker, "analytics"))
    consumer.on_message("analytics", receive(broker, "analytics"))

    dlq = dead_letter_queue("analytics")
    assert get_message(broker, dlq).body == "this is not json"
    assert get_message(broker, dlq).body == '{"no": "event"}'
    assert not DeadLetter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_requeues_without_using_an_attempt(broker, consumer, monkeypatch):
    monkeypatch.setattr(consumer_module, "DATABASE_RETRY_SECONDS", 0)

    @subscriber("realtime", "customer.created", name="tests.db_down")
    def db_down(event):
        raise OperationalError("connection refused")

    try:
        event = created_event()
        publish(broker, "realtime", event)
        handle(consumer, "realtime", receive(broker, "realtime"))
        again = receive(broker, "realtime")
    finally:
        unregister("tests.db_down")
    assert json.loads(again.body) == event
    assert again.headers.get(ATTEMPT_HEADER) is None
    assert again.delivery_info["redelivered"] is True
    assert queue_depth(broker, retry_queue("realtime", 100)) == 0
    assert not DeadLetter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_consumer_loop_processes_published_events_and_stops(broker):
    customer = CustomerFactory()
    events = [created_event(customer) for _ in range(5)]
    for event in events:
        publish(broker, "analytics", event)
    worker = EventConsumer(
        broker_connection(confirm_publish=True), domains=["analytics"], prefetch=50, batch_size=50
    )
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while processed("analytics.live_counters") < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.should_stop = True
        thread.join(timeout=10)
    assert not thread.is_alive()
    day = date.fromisoformat(events[0]["created"][:10])
    assert counter_value(merchant_id=customer.merchant_id, day=day, metric="customers_created") == 5
    assert queue_depth(broker, main_queue("analytics")) == 0
