"""Channels isolated (issue #12): a failing email channel never delays webhooks.

500 emails are queued for an SMTP server that accepts connections and never answers (or that
refuses them); the general worker (email, SMS and notifications queues, one slot) is busy failing
them while a payment is made through the REST API. The dedicated webhook worker (its own
`webhooks` queue, as `make run` starts it) still delivers the signed `payment.succeeded` webhook
within 5 s. Every queue is of this test session only (`test.<token>.*`).
"""

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from mcp_payments.celery import app
from tests.integration.conftest import wait_until
from tests.integration.notifications.test_webhooks_e2e import (
    card_method,
    card_payment,
    consuming,
    subscribe,
    worker_answers,
)

pytestmark = pytest.mark.django_db(transaction=True)


PROCESS_TIMEOUT = 90
EMAILS = 500
WEBHOOK_SECONDS = 5


@contextlib.contextmanager
def silent_smtp() -> Iterator[int]:
    """An SMTP port that accepts connections and never says a word (no banner, no reply)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        server.close()


@contextlib.contextmanager
def refusing_smtp() -> Iterator[int]:
    """A port where nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield port


def delete_queues(names: list[str]) -> None:
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for name in names:
            with contextlib.suppress(Exception):
                channel.queue_delete(name)


@pytest.mark.parametrize("smtp", [silent_smtp, refusing_smtp], ids=["silent", "refusing"])
def test_a_webhook_arrives_signed_within_5_s_while_500_emails_fail(
    processes,
    broker,
    events_namespace,
    api,
    signing_receiver,
    smtp,
):
    prefix = events_namespace.prefix
    queues = {name: f"{prefix}{name}" for name in ("webhooks", "email", "sms", "notifications")}
    subscribe(api, signing_receiver)
    try:
        with smtp() as smtp_port:
            env = {
                "WEBHOOKS_QUEUE": queues["webhooks"],
                "EMAIL_QUEUE": queues["email"],
                "SMS_QUEUE": queues["sms"],
                "NOTIFICATIONS_QUEUE": queues["notifications"],
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_port),
                "EMAIL_TIMEOUT": "10",
            }
            for _ in range(EMAILS):
                app.send_task(
                    "notifications.tasks.send_email",
                    args=["payout_paid", ["merchant@example.com"], {}],
                    queue=queues["email"],
                )
            general = f"general-{events_namespace.token}@{socket.gethostname()}"
            hooks = f"webhooks-{events_namespace.token}@{socket.gethostname()}"
            processes.relay()
            processes.consumer("notifications", **env)
            busy = ",".join(queues[name] for name in ("email", "sms", "notifications"))
            processes.worker(busy, general, **env)
            processes.worker(queues["webhooks"], hooks, **env)
            wait_until(lambda: consuming(broker, "notifications"), timeout=PROCESS_TIMEOUT)
            for hostname in (general, hooks):
                wait_until(
                    lambda h=hostname: worker_answers(h),
                    timeout=PROCESS_TIMEOUT,
                    message=f"worker {hostname} ready\n{processes.logs_tail()}",
                )

            method = card_method(api)
            started = time.monotonic()
            payment = card_payment(api, method, 2_500)

            wait_until(
                lambda: signing_receiver.received,
                timeout=PROCESS_TIMEOUT,
                message=f"a webhook arrived\n{processes.logs_tail()}",
            )
            [request] = signing_receiver.received
            # The email backlog (silent server): the general worker is busy failing it.
            with app.connection_for_write() as connection:
                _, backlog, _ = connection.default_channel.queue_declare(
                    queue=queues["email"], passive=True
                )
    finally:
        processes.stop_all()
        delete_queues(list(queues.values()))

    assert request["valid"] is True
    assert request["at"] - started < WEBHOOK_SECONDS
    event = json.loads(request["body"])
    assert (event["type"], event["data"]["object"]["id"]) == (
        "payment.succeeded",
        payment["id"],
    )
    if smtp is silent_smtp:
        # One slot, 10 s per silent connection: the backlog has barely moved.
        assert backlog > EMAILS - 50
