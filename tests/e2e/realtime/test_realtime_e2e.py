"""API.md §6 end to end against the running ASGI server (daphne, and uvicorn as deployed for
/ws/), with the relay and the realtime consumer as real processes on the real Redis and RabbitMQ:
a payment created through the REST API reaches a /ws/payments socket of its merchant within 2 s,
and never the other merchant's socket; a reconnecting client resumes without a gap."""

import asyncio
import json
import socket
import sys
import time
from pathlib import Path

import httpx2
import pytest
from websockets.asyncio.client import connect

from mcp_payments.events.models import Event
from mcp_payments.events.topology import main_queue
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

PROCESS_TIMEOUT = 90
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def consuming(broker, domain: str) -> bool:
    channel = broker.channel()
    try:
        _, _, consumers = channel.queue_declare(queue=main_queue(domain).name, passive=True)
    finally:
        channel.close()
    return consumers > 0


def answers(url: str) -> bool:
    try:
        return httpx2.get(url, timeout=2).status_code == 200
    except httpx2.HTTPError:
        return False


def server_args(kind: str, port: int) -> list[str]:
    if kind == "uvicorn":
        # As deployed for /ws/ (docs/api.md "WebSockets").
        return [
            str(BIN / "uvicorn"), "mcp_payments.asgi:application", "--lifespan", "on",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            "--ws", "websockets-sansio", "--ws-per-message-deflate", "false",
        ]  # fmt: skip
    return [
        str(BIN / "daphne"),
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "mcp_payments.asgi:application",
    ]


@pytest.fixture(params=["daphne"])
def asgi_server(request, processes, broker) -> str:
    """The ASGI server (daphne unless parametrized) serving mcp_payments.asgi:application, the
    relay and the realtime consumer."""
    port = free_port()
    processes.relay()
    processes.consumer("realtime")
    processes.start(request.param, server_args(request.param, port))
    base = f"127.0.0.1:{port}"
    wait_until(
        lambda: answers(f"http://{base}/health/live"),
        timeout=PROCESS_TIMEOUT,
        message=f"the server answers\n{processes.logs_tail()}",
    )
    wait_until(
        lambda: consuming(broker, "realtime"),
        timeout=PROCESS_TIMEOUT,
        message=f"the realtime consumer is up\n{processes.logs_tail()}",
    )
    return base


async def create_payment(http: httpx2.AsyncClient, key: str, amount: int) -> dict:
    headers = {"Authorization": f"Bearer {key}"}
    method = await http.post(
        "/api/v1/payment_methods",
        json={"type": "card", "card": {"token": "tok_visa"}},
        headers=headers,
    )
    assert method.status_code == 201, method.text
    payment = await http.post(
        "/api/v1/payments",
        json={
            "amount": amount,
            "currency": "usd",
            "payment_method": method.json()["id"],
            "confirm": True,
        },
        headers=headers,
    )
    assert payment.status_code == 201, payment.text
    return payment.json()


async def events_until(ws, predicate, *, timeout: float) -> list[dict]:
    """Events received until one satisfies `predicate` (pings skipped)."""
    received: list[dict] = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"timed out; got {[event['type'] for event in received]}"
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=remaining))
        if message["type"] == "event":
            received.append(message["event"])
            if predicate(message["event"]):
                return received


async def silent(ws, seconds: float) -> list[dict]:
    """What arrives within `seconds` besides pings."""
    got = []
    try:
        async with asyncio.timeout(seconds):
            while True:
                message = json.loads(await ws.recv())
                if message["type"] != "ping":
                    got.append(message)
    except TimeoutError:
        return got


@pytest.mark.parametrize("asgi_server", ["daphne", "uvicorn"], indirect=True)
def test_a_payment_reaches_its_merchants_socket_within_2s_and_no_other(
    asgi_server, merchant, other_merchant, api_key_for
):
    key, other_key = api_key_for(merchant, "*"), api_key_for(other_merchant, "*")

    async def scenario():
        async with (
            httpx2.AsyncClient(base_url=f"http://{asgi_server}", timeout=30) as http,
            connect(f"ws://{asgi_server}/ws/payments?token={key}") as mine,
            connect(f"ws://{asgi_server}/ws/payments?token={other_key}") as theirs,
        ):
            payment = await create_payment(http, key, 4_200)
            committed = time.monotonic()
            received = await events_until(
                mine,
                lambda event: event["type"] == "payment.succeeded"
                and event["data"]["object"]["id"] == payment["id"],
                timeout=10,
            )
            latency = time.monotonic() - committed
            leaked = await silent(theirs, 1.0)
            return payment, received, latency, leaked

    _, received, latency, leaked = asyncio.run(scenario())

    assert latency < 2.0
    assert received[0]["type"] == "payment.created"
    assert {event["merchant"] for event in received} == {merchant.pk}
    assert received[-1]["data"]["object"]["amount"] == 4_200
    assert received[-1]["data"]["object"]["status"] == "succeeded"
    assert leaked == []


def test_a_client_that_reconnects_resumes_without_gap_or_duplicate(
    asgi_server, merchant, api_key_for
):
    key = api_key_for(merchant, "payments:read payments:write")

    async def scenario():
        async with httpx2.AsyncClient(base_url=f"http://{asgi_server}", timeout=30) as http:
            async with connect(f"ws://{asgi_server}/ws/payments?token={key}") as ws:
                first = await create_payment(http, key, 1_000)
                seen = await events_until(
                    ws,
                    lambda event: event["type"] == "payment.succeeded"
                    and event["data"]["object"]["id"] == first["id"],
                    timeout=10,
                )
            # Offline meanwhile: two more payments.
            missed = [await create_payment(http, key, 2_000 + n) for n in range(2)]
            last = seen[-1]["id"]
            async with connect(f"ws://{asgi_server}/ws/payments?token={key}&after={last}") as ws:
                replayed, done = [], None
                while done is None:
                    message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                    if message["type"] == "resumed":
                        done = message
                    elif message["type"] == "event":
                        replayed.append(message["event"])
                extra = await silent(ws, 1.5)
            return last, missed, replayed, done, extra

    last, missed, replayed, done, extra = asyncio.run(scenario())

    anchor = Event.objects.get(pk=last)
    expected = Event.objects.filter(
        merchant=merchant, sequence__gt=anchor.sequence, type__regex=r"^(payment|refund|dispute)\."
    ).order_by("sequence")
    assert [event["id"] for event in replayed] == [event.id for event in expected]
    assert {event["data"]["object"]["id"] for event in replayed} == {p["id"] for p in missed}
    assert [event["type"] for event in replayed].count("payment.succeeded") == 2
    assert done == {"type": "resumed", "after": last, "replayed": len(replayed)}
    # Live copies of the replayed events (the relay may publish them after the reconnect) are
    # dropped: nothing else arrives.
    assert extra == []


def test_http_and_close_codes_on_the_running_server(asgi_server):
    async def scenario():
        async with connect(f"ws://{asgi_server}/ws/payments") as ws:
            await ws.wait_closed()
            unauthenticated = ws.close_code
        async with connect(f"ws://{asgi_server}/ws/elsewhere") as ws:
            await ws.wait_closed()
            unknown = ws.close_code
        return unauthenticated, unknown

    assert asyncio.run(scenario()) == (4401, 4404)
    assert answers(f"http://{asgi_server}/health/live")
