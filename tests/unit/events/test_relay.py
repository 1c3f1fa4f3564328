"""The outbox relay against the real broker: what it publishes, when, and what it marks."""

import json
import threading
import time

import psycopg
import pytest
from django.db import connection, transaction

from mcp_payments.events.api.serializers import EventSerializer
from mcp_payments.events.models import Event
from mcp_payments.events.publisher import PublishNotConfirmed
from mcp_payments.events.relay import NOTIFY_CHANNEL, Relay, relay_drain, relay_publish_batch
from mcp_payments.events.services import emit
from mcp_payments.events.tasks import sweep_outbox
from tests.fixtures.events import analytics_queue, get_message, queue_depth
from tests.fixtures.factories import CustomerFactory, MerchantFactory


def emit_created(customer) -> Event:
    with transaction.atomic():
        return emit("customer.created", customer)


def other_connection() -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        dbname=params["NAME"], user=params["USER"] or None, host=params["HOST"] or None,
        port=params["PORT"] or None, autocommit=True,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_committed_event_is_published_as_its_api_representation_and_marked(broker):
    customer = CustomerFactory(name="Ada")
    event = emit_created(customer)

    assert relay_publish_batch(500) == 1

    message = get_message(broker, analytics_queue())
    event.refresh_from_db()
    assert json.loads(message.body) == EventSerializer(event).data
    assert message.delivery_info["routing_key"] == "customer.created"
    assert message.properties["message_id"] == event.id
    assert message.properties["delivery_mode"] == 2
    assert message.content_type == "application/json"
    assert message.headers == {"event_type": "customer.created"}
    assert event.published_at is not None
    assert relay_publish_batch(500) == 0
    assert queue_depth(broker, analytics_queue()) == 0


@pytest.mark.django_db
def test_the_published_body_equals_the_serializer_for_every_field_shape(broker):
    merchant = MerchantFactory()
    customer = CustomerFactory(merchant=merchant, metadata={"k": "v", "ü": "✓"})
    with transaction.atomic():
        emit("customer.created", customer)
        emit("customer.created", customer, merchant_id="", data={"id": "x", "n": [1, None]})
    Event.objects.filter(merchant_id="").update(merchant=None)

    assert relay_publish_batch(500) == 2

    bodies = [json.loads(get_message(broker, analytics_queue()).body) for _ in range(2)]
    expected = [EventSerializer(event).data for event in Event.objects.order_by("id")]
    assert bodies == expected
    assert bodies[1]["merchant"] is None
    assert bodies[0]["data"]["object"]["metadata"] == {"k": "v", "ü": "✓"}


@pytest.mark.django_db
def test_sequence_increases_with_each_event_of_an_object(broker):
    customer = CustomerFactory()
    with transaction.atomic():
        first = emit("customer.created", customer)
        second = emit("customer.updated", customer, previous_attributes={"name": "x"})
    assert second.sequence > first.sequence
    relay_publish_batch(500)
    body = json.loads(get_message(broker, analytics_queue()).body)
    assert body["sequence"] == first.sequence


@pytest.mark.django_db
def test_events_go_out_in_batches_of_the_limit(broker):
    customer = CustomerFactory()
    with transaction.atomic():
        for _ in range(5):
            emit("customer.created", customer)

    assert relay_publish_batch(2) == 2
    assert Event.objects.filter(published_at=None).count() == 3
    assert relay_drain(2) == 3
    assert queue_depth(broker, analytics_queue()) == 5


@pytest.mark.django_db
def test_a_refused_publish_marks_nothing(broker):
    emit_created(CustomerFactory())

    class RefusingPublisher:
        def publish_batch(self, messages):
            raise PublishNotConfirmed("the broker refused 1 messages")

    with pytest.raises(PublishNotConfirmed):
        relay_publish_batch(500, publisher=RefusingPublisher())
    assert Event.objects.filter(published_at=None).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_uncommitted_event_is_never_published(broker):
    customer = CustomerFactory()
    writer = other_connection()
    try:
        writer.execute("BEGIN")
        writer.execute(
            "INSERT INTO events_event (id, type, merchant_id, object_type, object_id, data, "
            "request_id, created) VALUES ('evt_UNCOMMITTED000000000000000', "
            "'customer.created', %s, 'customer', %s, '{}', '', now())",
            [customer.merchant_id, customer.id],
        )
        assert relay_publish_batch(500) == 0
        writer.execute("COMMIT")
        assert relay_publish_batch(500) == 1
    finally:
        writer.close()
    assert get_message(broker, analytics_queue()).properties["message_id"] == (
        "evt_UNCOMMITTED000000000000000"
    )


@pytest.mark.django_db(transaction=True)
def test_rows_another_relay_holds_are_skipped_not_waited_for(broker):
    customer = CustomerFactory()
    held, free = emit_created(customer), emit_created(customer)
    other = other_connection()
    try:
        other.execute("BEGIN")
        other.execute("SELECT id FROM events_event WHERE id = %s FOR UPDATE", [held.id])
        assert relay_publish_batch(500) == 1
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert list(Event.objects.filter(published_at=None).values_list("id", flat=True)) == [held.id]
    assert get_message(broker, analytics_queue()).properties["message_id"] == free.id


@pytest.mark.django_db(transaction=True)
def test_the_insert_trigger_notifies_once_per_transaction_at_commit():
    customer = CustomerFactory()
    listener = other_connection()
    try:
        listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
        with transaction.atomic():
            emit("customer.updated", customer)
            emit("customer.updated", customer)
            assert list(listener.notifies(timeout=0.3)) == []
        notes = list(listener.notifies(timeout=0.5))
    finally:
        listener.close()
    assert [(note.channel, note.payload) for note in notes] == [(NOTIFY_CHANNEL, "")]


@pytest.mark.django_db(transaction=True)
def test_the_relay_loop_publishes_on_notify_and_stops(broker):
    relay = Relay(batch_size=500, poll_seconds=2.0)  # only a NOTIFY wakes it within 1 s
    thread = threading.Thread(target=relay.run)
    thread.start()
    try:
        time.sleep(0.5)  # listening
        event = emit_created(CustomerFactory())
        message = get_message(broker, analytics_queue(), timeout=1.0)
    finally:
        relay.stop()
        thread.join(timeout=5)
    assert message.properties["message_id"] == event.id
    assert not thread.is_alive()
    event.refresh_from_db()
    assert event.published_at is not None


@pytest.mark.django_db
def test_the_sweep_task_publishes_what_the_relay_left(broker):
    customer = CustomerFactory()
    with transaction.atomic():
        for _ in range(3):
            emit("customer.created", customer)

    assert sweep_outbox() == 3
    assert sweep_outbox() == 0
    assert queue_depth(broker, analytics_queue()) == 3


@pytest.mark.django_db(transaction=True)
def test_the_relay_loop_outlives_an_unreachable_broker_and_database(settings, caplog, monkeypatch):
    settings.EVENTS_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    failures = iter([psycopg.OperationalError("database is starting up")])
    real_listener = Relay._ensure_listener

    def flaky_listener(self):
        error = next(failures, None)
        if error is not None:
            raise error
        real_listener(self)

    monkeypatch.setattr(Relay, "_ensure_listener", flaky_listener)
    relay = Relay(batch_size=10, poll_seconds=0.1)
    thread = threading.Thread(target=relay.run)
    thread.start()
    time.sleep(1.5)
    relay.stop()
    thread.join(timeout=10)

    assert not thread.is_alive()
    assert "relay: database unavailable, retrying" in caplog.text
    assert "relay: broker unavailable, retrying" in caplog.text
