"""API.md §5 end to end with real processes: a payment made through the REST API reaches a local
receiver as a correctly signed webhook within seconds (relay → RabbitMQ → notifications consumer
→ Celery worker → HTTP), and the delivery is listed with its attempt.

The worker listens on a Celery queue of this test session only (`test.<token>.webhooks`,
settings WEBHOOKS_QUEUE), so a developer's running worker never takes its jobs.
"""

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mcp_payments.celery import app
from mcp_payments.events.topology import main_queue
from notifications.signature import verify
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

PROCESS_TIMEOUT = 90
DELIVERY_SECONDS = 15


class SigningReceiver:
    """An integrator's endpoint: answers 200 to a valid signature, 400 otherwise."""

    def __init__(self) -> None:
        self.secret = ""
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                header = self.headers.get("MCP-Payments-Signature", "")
                valid = verify(body, header, receiver.secret)
                receiver.received.append(
                    {
                        "at": time.monotonic(),
                        "body": body,
                        "event_id": self.headers.get("MCP-Payments-Event-Id"),
                        "valid": valid,
                    }
                )
                self.send_response(200 if valid else 400)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks"


@pytest.fixture
def signing_receiver() -> Iterator[SigningReceiver]:
    receiver = SigningReceiver()
    thread = threading.Thread(target=receiver.server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
        thread.join(timeout=10)


def consuming(broker, domain: str) -> bool:
    channel = broker.channel()
    try:
        _, _, consumers = channel.queue_declare(queue=main_queue(domain).name, passive=True)
    finally:
        channel.close()
    return consumers > 0


def worker_answers(hostname: str) -> bool:
    return bool(app.control.ping([hostname], timeout=1.0))


def subscribe(api, receiver: SigningReceiver) -> dict:
    """A webhook endpoint of the API client's merchant for `payment.succeeded` at `receiver`,
    which then checks signatures with its secret; returns the endpoint."""
    created = api.post(
        "/api/v1/webhook_endpoints",
        {"url": receiver.url, "enabled_events": ["payment.succeeded"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    receiver.secret = created.json()["secret"]
    return created.json()


def card_method(api) -> str:
    """A new card payment method (tok_visa) of the API client's merchant; its id."""
    method = api.post(
        "/api/v1/payment_methods", {"type": "card", "card": {"token": "tok_visa"}}, format="json"
    )
    assert method.status_code == 201, method.json()
    return method.json()["id"]


def card_payment(api, method: str, amount: int) -> dict:
    """A payment of `amount` USD minor units with `method`, confirmed through the API; asserts
    it succeeded and returns it."""
    payment = api.post(
        "/api/v1/payments",
        {"amount": amount, "currency": "usd", "payment_method": method, "confirm": True},
        format="json",
    )
    assert payment.status_code == 201, payment.json()
    assert payment.json()["status"] == "succeeded"
    return payment.json()


def test_a_payment_through_the_api_produces_a_signed_webhook_within_seconds(
    processes, broker, events_namespace, api, signing_receiver
):
    queue = f"{events_namespace.prefix}webhooks"
    hostname = f"notif-{events_namespace.token}@{socket.gethostname()}"
    endpoint = subscribe(api, signing_receiver)

    processes.relay()
    processes.consumer("notifications", WEBHOOKS_QUEUE=queue)
    processes.worker(queue, hostname, WEBHOOKS_QUEUE=queue)
    wait_until(lambda: consuming(broker, "notifications"), timeout=PROCESS_TIMEOUT)
    wait_until(
        lambda: worker_answers(hostname),
        timeout=PROCESS_TIMEOUT,
        message=f"worker ready\n{processes.logs_tail()}",
    )

    method = card_method(api)
    started = time.monotonic()
    payment = card_payment(api, method, 4_200)

    wait_until(
        lambda: signing_receiver.received,
        timeout=PROCESS_TIMEOUT,
        message=f"a webhook arrived\n{processes.logs_tail()}",
    )
    [request] = signing_receiver.received
    assert request["valid"] is True
    assert request["at"] - started < DELIVERY_SECONDS
    event = json.loads(request["body"])
    assert event["type"] == "payment.succeeded"
    assert event["object"] == "event"
    assert event["data"]["object"]["id"] == payment["id"]
    assert event["data"]["object"]["amount"] == 4_200
    assert request["event_id"] == event["id"]

    def delivered() -> dict | None:
        listing = api.get(f"/api/v1/webhook_endpoints/{endpoint['id']}/deliveries").json()
        found = listing["data"]
        return found[0] if found and found[0]["status"] == "succeeded" else None

    delivery = wait_until(delivered, timeout=PROCESS_TIMEOUT, message="delivery recorded")
    assert delivery["event"] == event["id"]
    assert delivery["event_type"] == "payment.succeeded"
    assert delivery["attempt_count"] == 1
    [attempt] = delivery["attempts"]
    assert (attempt["succeeded"], attempt["status_code"], attempt["response_body"]) == (
        True,
        200,
        "ok",
    )
    assert attempt["error"] is None
