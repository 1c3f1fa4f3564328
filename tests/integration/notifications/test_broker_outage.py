"""Webhooks through a broker outage (issue #12), on a private RabbitMQ node (the shared one is
never stopped): relay, notifications consumer and the webhook worker (with its beat, whose
`dispatch_due_deliveries` sweep runs every 5 s) all use the private node.

- RabbitMQ stopped for 10 s while 300 payments are made through the REST API: every
  `payment.succeeded` reaches the receiver, signed, within 60 s of the broker's return;
- a delivery whose Celery task could not be enqueued (broker down) is picked up by the sweep within
  30 s of the broker's return, not at the end of its 15-minute lease.
"""

import contextlib
import json
import socket
import threading
import time

import pytest
from django.db import transaction

from mcp_payments.events.models import Event
from mcp_payments.events.processing import deliver
from notifications.models import WebhookDelivery
from tests.fixtures.rabbitmq import celery_broker
from tests.integration.conftest import wait_until
from tests.integration.notifications.test_webhooks_e2e import (
    card_method,
    card_payment,
    consuming,
    subscribe,
)
from tests.unit.notifications.conftest import published

pytestmark = pytest.mark.django_db(transaction=True)

PROCESS_TIMEOUT = 90
PAYMENTS = 300
PAYMENTS_BEFORE_OUTAGE = 50
OUTAGE_SECONDS = 10
DELIVERED_WITHIN_SECONDS = 60
SWEPT_WITHIN_SECONDS = 30


@pytest.fixture
def webhook_pipeline(processes, private_broker, rabbitmq, events_namespace, api, signing_receiver):
    """An endpoint for `payment.succeeded` at the signing receiver; the relay, the notifications
    consumer and one webhook worker with an embedded beat, all on the private node and ready."""
    queue = f"{events_namespace.prefix}webhooks"
    subscribe(api, signing_receiver)
    hostname = f"outage-{events_namespace.token}@{socket.gethostname()}"
    schedule = processes.logs / "beat-schedule"
    processes.relay()
    processes.consumer("notifications", WEBHOOKS_QUEUE=queue)
    processes.worker(
        queue,
        hostname,
        "--beat",
        "--scheduler",
        "celery.beat:PersistentScheduler",
        "--schedule-filename",
        str(schedule),
        WEBHOOKS_QUEUE=queue,
    )
    wait_until(lambda: consuming(private_broker, "notifications"), timeout=PROCESS_TIMEOUT)
    wait_until(
        lambda: consumers(private_broker, queue),
        timeout=PROCESS_TIMEOUT,
        message=f"worker ready\n{processes.logs_tail()}",
    )
    private_broker.release()  # the test stops the node under it
    return processes


def consumers(connection, queue: str) -> int:
    """How many consumers `queue` has (0 while it does not exist yet)."""
    channel = connection.channel()
    try:
        return channel.queue_declare(queue=queue, passive=True)[2]
    except Exception:
        return 0
    finally:
        with contextlib.suppress(Exception):
            channel.close()


def delivered_payments(receiver) -> dict[str, bool]:
    """payment id → signature valid, of every `payment.succeeded` the receiver got."""
    seen: dict[str, bool] = {}
    for request in list(receiver.received):
        event = json.loads(request["body"])
        if event["type"] == "payment.succeeded":
            payment = event["data"]["object"]["id"]
            seen[payment] = seen.get(payment, True) and request["valid"]
    return seen


def test_every_payment_webhook_arrives_within_60_s_of_a_10_s_broker_outage(
    webhook_pipeline, rabbitmq, api, signing_receiver
):
    method = card_method(api)
    back_at: list[float] = []

    def outage() -> None:
        rabbitmq.stop()
        time.sleep(OUTAGE_SECONDS)
        rabbitmq.start()
        back_at.append(time.monotonic())

    payments: list[str] = []
    outage_thread = threading.Thread(target=outage)
    for n in range(PAYMENTS):
        if n == PAYMENTS_BEFORE_OUTAGE:
            outage_thread.start()
        payments.append(card_payment(api, method, 1_000 + n)["id"])
    outage_thread.join(timeout=OUTAGE_SECONDS + 120)
    assert back_at, "the broker came back"
    last_payment_at = time.monotonic()

    wait_until(
        lambda: len(delivered_payments(signing_receiver)) == PAYMENTS,
        timeout=max(back_at[0], last_payment_at) + DELIVERED_WITHIN_SECONDS - time.monotonic(),
        interval=0.5,
        message=f"every payment.succeeded delivered\n{webhook_pipeline.logs_tail()}",
    )
    delivered = delivered_payments(signing_receiver)
    assert set(delivered) == set(payments)
    assert all(delivered.values()), "every webhook correctly signed"
    assert WebhookDelivery.objects.count() == PAYMENTS


def test_a_delivery_not_enqueued_while_the_broker_is_down_is_swept_within_30_s_of_its_return(
    webhook_pipeline, rabbitmq, api, signing_receiver
):
    rabbitmq.stop()
    card_payment(api, card_method(api), 4_200)
    event = Event.objects.get(type="payment.succeeded")
    # The notifications subscriber runs here, with this process's Celery on the stopped node:
    # the delivery commits, its task cannot be published. (The relay publishes the event once the
    # broker is back; the consumer finds it processed already.)
    with celery_broker(rabbitmq.url), transaction.atomic():
        assert deliver("notifications", published(event)) == []
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count) == ("pending", 0)
    assert signing_receiver.received == []

    rabbitmq.start()
    back_at = time.monotonic()
    wait_until(
        lambda: signing_receiver.received,
        timeout=SWEPT_WITHIN_SECONDS,
        interval=0.2,
        message=f"the swept delivery arrived\n{webhook_pipeline.logs_tail()}",
    )
    [request] = signing_receiver.received
    assert request["at"] - back_at < SWEPT_WITHIN_SECONDS
    assert request["valid"] is True
    assert json.loads(request["body"])["id"] == event.id
    wait_until(
        lambda: WebhookDelivery.objects.get().status == "succeeded", timeout=10, interval=0.2
    )
    assert WebhookDelivery.objects.get().attempt_count == 1
