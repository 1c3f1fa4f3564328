"""Resume: missed events replayed from the outbox in creation order, then live, with no gap and
no duplicate."""

import asyncio
import json
import threading
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from mcp_payments.events.models import Event
from mcp_payments.events.relay import relay_publish_batch
from realtime import consumers, resume
from tests.conftest import jwt_for
from tests.fixtures.factories import MembershipFactory
from tests.fixtures.realtime import (
    broadcast,
    open_socket,
    receive,
    receive_events,
    run,
    store_event,
)

pytestmark = pytest.mark.django_db(transaction=True)


def stored_payments(merchant, count: int) -> list[dict]:
    return [
        store_event(
            "payment.succeeded",
            merchant,
            {"id": f"pay_{n}", "object": "payment", "amount": 100 + n, "currency": "usd"},
        )
        for n in range(count)
    ]


async def resume_after(socket, after: str) -> None:
    await socket.send_json_to({"type": "resume", "after": after})


def test_resume_replays_the_missed_events_in_order_then_says_so(
    merchant, other_merchant, api_key_for
):
    events = stored_payments(merchant, 5)
    store_event("customer.created", merchant)  # not a payments event
    stored_payments(other_merchant, 2)  # another merchant's
    key = api_key_for(merchant, "payments:read")

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}")
        await resume_after(socket, events[1]["id"])
        replayed = await receive_events(socket, 3)
        done = await receive(socket)
        assert await socket.receive_nothing(timeout=0.2)
        await socket.disconnect()
        return replayed, done

    replayed, done = run(scenario)

    assert replayed == events[2:]
    assert done == {"type": "resumed", "after": events[1]["id"], "replayed": 3}


def test_after_on_the_connect_url_resumes_before_anything_live(merchant, api_key_for):
    events = stored_payments(merchant, 3)
    key = api_key_for(merchant, "payments:read")

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}&after={events[0]['id']}")
        replayed = await receive_events(socket, 2)
        done = await receive(socket)
        await socket.disconnect()
        return replayed, done

    replayed, done = run(scenario)

    assert replayed == events[1:]
    assert done["replayed"] == 2


def test_live_events_during_a_replay_follow_it_without_gap_or_duplicate(
    merchant, api_key_for, monkeypatch
):
    events = stored_payments(merchant, 4)
    fresh = store_event("payment.captured", merchant)
    key = api_key_for(merchant, "payments:read")
    entered, release = threading.Event(), threading.Event()
    real_page = resume.replay_page

    def slow_page(**kwargs):
        entered.set()
        release.wait(timeout=10)
        return real_page(**kwargs)

    monkeypatch.setattr(consumers, "replay_page", slow_page)

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}")
        await resume_after(socket, events[0]["id"])
        while not entered.is_set():
            await asyncio.sleep(0.01)
        # While the replay runs, the relay publishes events the replay also reads.
        await broadcast(events[2])
        await broadcast(fresh)
        await socket.send_json_to({"type": "resume", "after": events[0]["id"]})
        busy = await receive(socket)
        release.set()
        received = [await receive(socket) for _ in range(5)]
        assert await socket.receive_nothing(timeout=0.2)
        await socket.disconnect()
        return busy, received

    busy, received = run(scenario)

    assert busy["code"] == "resume_in_progress"
    assert received == [
        {"type": "event", "event": events[1]},
        {"type": "event", "event": events[2]},
        {"type": "event", "event": events[3]},
        {"type": "event", "event": fresh},
        {"type": "resumed", "after": events[0]["id"], "replayed": 4},
    ]


def test_a_live_event_not_yet_in_the_outbox_read_follows_the_replay(
    merchant, api_key_for, monkeypatch
):
    events = stored_payments(merchant, 2)
    key = api_key_for(merchant, "payments:read")
    live = store_event("payment.captured", merchant)
    Event.objects.filter(pk=live["id"]).delete()  # as if committed after the replay's read
    entered, release = threading.Event(), threading.Event()
    real_page = resume.replay_page

    def slow_page(**kwargs):
        entered.set()
        release.wait(timeout=10)
        return real_page(**kwargs)

    monkeypatch.setattr(consumers, "replay_page", slow_page)

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}")
        await resume_after(socket, events[0]["id"])
        while not entered.is_set():
            await asyncio.sleep(0.01)
        await broadcast(live)
        await asyncio.sleep(0.1)
        release.set()
        received = [await receive(socket) for _ in range(3)]
        await socket.disconnect()
        return received

    assert run(scenario) == [
        {"type": "event", "event": events[1]},
        {"type": "resumed", "after": events[0]["id"], "replayed": 1},
        {"type": "event", "event": live},
    ]


def test_a_replay_reads_in_pages(merchant, api_key_for, monkeypatch):
    events = stored_payments(merchant, 6)
    key = api_key_for(merchant, "payments:read")
    monkeypatch.setattr(consumers, "PAGE_SIZE", 2)
    real_page = resume.replay_page
    monkeypatch.setattr(consumers, "replay_page", lambda **kwargs: real_page(**kwargs, limit=2))

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}&after={events[0]['id']}")
        replayed = await receive_events(socket, 5)
        done = await receive(socket)
        await socket.disconnect()
        return replayed, done

    replayed, done = run(scenario)

    assert replayed == events[1:]
    assert done["replayed"] == 5


@pytest.mark.parametrize("after", ["evt_01JAAAAAAAAAAAAAAAAAAAAAAA", "pay_123", 42, None])
def test_an_unknown_or_invalid_anchor_is_an_error_and_the_socket_stays_live(
    merchant, api_key_for, after
):
    key = api_key_for(merchant, "payments:read")
    live = store_event("payment.created", merchant)

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}")
        await socket.send_json_to({"type": "resume", "after": after})
        error = await receive(socket)
        await broadcast(live)
        received = await receive_events(socket, 1)
        await socket.disconnect()
        return error, received

    error, received = run(scenario)

    assert error["type"] == "error"
    expected = (
        "resume_unknown_event" if after == "evt_01JAAAAAAAAAAAAAAAAAAAAAAA" else "invalid_resume"
    )
    assert error["code"] == expected
    assert received == [live]


def test_another_merchants_event_is_an_unknown_anchor(merchant, other_merchant, api_key_for):
    theirs = stored_payments(other_merchant, 2)
    key = api_key_for(merchant, "payments:read")

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}&after={theirs[0]['id']}")
        error = await receive(socket)
        await socket.disconnect()
        return error

    assert run(scenario)["code"] == "resume_unknown_event"


def test_an_anchor_older_than_the_window_is_refused(merchant, api_key_for):
    events = stored_payments(merchant, 2)
    Event.objects.filter(pk=events[0]["id"]).update(created=timezone.now() - timedelta(hours=25))
    key = api_key_for(merchant, "payments:read")

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}&after={events[0]['id']}")
        error = await receive(socket)
        await socket.disconnect()
        return error

    assert run(scenario)["code"] == "resume_window_exceeded"


def test_too_many_missed_events_are_refused_whole(merchant, api_key_for):
    events = stored_payments(merchant, 4)
    key = api_key_for(merchant, "payments:read")

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}&after={events[0]['id']}")
        error = await receive(socket)
        assert await socket.receive_nothing(timeout=0.2)
        await socket.disconnect()
        return error

    with override_settings(REALTIME_RESUME_MAX_EVENTS=2):
        error = run(scenario)

    assert error == {
        "type": "error",
        "code": "resume_too_far_behind",
        "message": "More than 2 events were missed; reload through the REST API.",
    }


def test_a_replay_keeps_per_user_events_to_their_user(merchant):
    alice = MembershipFactory(merchant=merchant, role="admin").user
    bob = MembershipFactory(merchant=merchant, role="admin").user
    anchor = store_event("risk.review_opened", merchant, {"id": "rev_1", "object": "review"})
    for_alice = store_event("notification.created", merchant, {"id": "ntf_1", "user": alice.pk})
    for_bob = store_event("notification.created", merchant, {"id": "ntf_2", "user": bob.pk})

    async def replay(user):
        socket = await open_socket(f"/ws/alerts?token={jwt_for(user)}&after={anchor['id']}")
        replayed = await receive_events(socket, 1)
        done = await receive(socket)
        await socket.disconnect()
        return replayed, done["replayed"]

    assert run(replay(alice)) == ([for_alice], 1)
    assert run(replay(bob)) == ([for_bob], 1)


def test_a_replayed_event_is_exactly_what_the_relay_publishes(merchant, api_key_for):
    events = stored_payments(merchant, 2)
    published = []

    class Capture:
        def publish_batch(self, messages):
            published.extend(json.loads(message.body) for message in messages)

    relay_publish_batch(100, publisher=Capture())
    key = api_key_for(merchant, "payments:read")

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}&after={events[0]['id']}")
        replayed = await receive_events(socket, 1)
        await socket.disconnect()
        return replayed

    (replayed,) = run(scenario)

    assert replayed == next(event for event in published if event["id"] == events[1]["id"])
