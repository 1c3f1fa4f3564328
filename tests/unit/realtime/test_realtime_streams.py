"""Event streams: tenant isolation, staff subscriptions, per-user events, duplicates, the
heartbeat, client messages and the slow-consumer close."""

import asyncio

import pytest
from channels.routing import URLRouter
from django.test import override_settings
from django.urls import path

from realtime.consumers import PaymentsConsumer
from tests.conftest import jwt_for
from tests.fixtures.factories import MembershipFactory
from tests.fixtures.realtime import (
    broadcast,
    close_code,
    event_dict,
    open_socket,
    receive,
    receive_events,
    run,
)

pytestmark = pytest.mark.django_db(transaction=True)


def evt(n: int) -> str:
    return f"evt_01JAAAAAAAAAAAAAAAAAAAA{n:03d}"


def test_a_merchant_never_receives_another_merchants_events(merchant, other_merchant, api_key_for):
    mine = event_dict("payment.succeeded", merchant.pk, event_id=evt(1))
    theirs = event_dict("payment.succeeded", other_merchant.pk, event_id=evt(2))
    key, other_key = api_key_for(merchant, "*"), api_key_for(other_merchant, "*")

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}")
        other = await open_socket(f"/ws/payments?token={other_key}")
        await broadcast(theirs)
        await broadcast(mine)
        received = await receive_events(socket, 1)
        other_received = await receive_events(other, 1)
        assert await socket.receive_nothing(timeout=0.2)
        assert await other.receive_nothing(timeout=0.2)
        await socket.disconnect()
        await other.disconnect()
        return received, other_received

    assert run(scenario) == ([mine], [theirs])


def test_a_misrouted_entry_is_dropped_by_the_socket(merchant, other_merchant, api_key_for):
    """Defence in depth: an entry of another merchant in the merchant's group is not sent."""
    from channels.layers import get_channel_layer

    from realtime.groups import entry_for, group_name

    key = api_key_for(merchant, "payments:read")
    theirs = event_dict("payment.succeeded", other_merchant.pk)

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}")
        group = group_name("payments", merchant.pk)
        await get_channel_layer().group_send(
            group, {"type": "rt.events", "group": group, "events": [entry_for(theirs).as_message()]}
        )
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    run(scenario)


def test_staff_receive_every_merchant_or_the_one_they_pick(merchant, other_merchant, staff_user):
    token = jwt_for(staff_user)
    first = event_dict("payment.created", merchant.pk, event_id=evt(1))
    second = event_dict("payment.created", other_merchant.pk, event_id=evt(2))
    system = event_dict("system.alert", None, {"id": "alert_1"}, event_id=evt(3))

    async def scenario():
        everything = await open_socket(f"/ws/payments?token={token}")
        picked = await open_socket(f"/ws/payments?token={token}&merchant={other_merchant.pk}")
        alerts = await open_socket(f"/ws/alerts?token={token}")
        await broadcast(first, second, system)
        received = (
            await receive_events(everything, 2),
            await receive_events(picked, 1),
            await receive_events(alerts, 1),
        )
        assert await picked.receive_nothing(timeout=0.2)
        for socket in (everything, picked, alerts):
            await socket.disconnect()
        return received

    assert run(scenario) == ([first, second], [second], [system])


def test_merchants_never_receive_system_alerts(merchant, api_key_for):
    key = api_key_for(merchant, "*")

    async def scenario():
        socket = await open_socket(f"/ws/alerts?token={key}")
        await broadcast(event_dict("system.alert", None, {"id": "alert_1"}))
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()

    run(scenario)


def test_a_notification_reaches_only_its_user(merchant, api_key_for):
    alice = MembershipFactory(merchant=merchant, role="admin").user
    bob = MembershipFactory(merchant=merchant, role="admin").user
    key = api_key_for(merchant, "*")
    for_alice = event_dict("notification.created", merchant.pk, {"id": "ntf_1", "user": alice.pk})

    async def scenario():
        alice_socket = await open_socket(f"/ws/alerts?token={jwt_for(alice)}")
        bob_socket = await open_socket(f"/ws/alerts?token={jwt_for(bob)}")
        key_socket = await open_socket(f"/ws/alerts?token={key}")
        await broadcast(for_alice)
        received = await receive_events(alice_socket, 1)
        assert await bob_socket.receive_nothing(timeout=0.2)
        assert await key_socket.receive_nothing(timeout=0.2)
        for socket in (alice_socket, bob_socket, key_socket):
            await socket.disconnect()
        return received

    assert run(scenario) == [for_alice]


def test_a_redelivered_event_is_sent_once(merchant, api_key_for):
    key = api_key_for(merchant, "payments:read")
    event = event_dict("payment.succeeded", merchant.pk, event_id=evt(1))
    later = event_dict("payment.captured", merchant.pk, event_id=evt(2))

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}")
        await broadcast(event)
        await broadcast(event)
        await broadcast(later)
        received = await receive_events(socket, 2)
        assert await socket.receive_nothing(timeout=0.2)
        await socket.disconnect()
        return received

    assert run(scenario) == [event, later]


def test_ping_is_answered_and_bad_messages_get_an_error(merchant, api_key_for):
    key = api_key_for(merchant, "payments:read")

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}")
        await socket.send_to(text_data='{"type": "ping"}')
        pong = await receive(socket)
        await socket.send_to(text_data="not json")
        bad = await receive(socket)
        await socket.send_to(text_data='{"type": "subscribe"}')
        unknown = await receive(socket)
        await socket.disconnect()
        return pong, bad, unknown

    pong, bad, unknown = run(scenario)

    assert pong == {"type": "pong"}
    assert bad == {
        "type": "error",
        "code": "invalid_message",
        "message": 'Send JSON objects with a "type".',
    }
    assert unknown == {
        "type": "error",
        "code": "invalid_message",
        "message": "Unknown message type 'subscribe'.",
    }


def test_the_server_sends_a_heartbeat(merchant, api_key_for):
    key = api_key_for(merchant, "payments:read")

    async def scenario():
        socket = await open_socket(f"/ws/payments?token={key}")
        beats = [await receive(socket), await receive(socket)]
        await socket.disconnect()
        return beats

    with override_settings(REALTIME_HEARTBEAT_SECONDS=0.05):
        assert run(scenario) == [{"type": "ping"}, {"type": "ping"}]


class StuckPaymentsConsumer(PaymentsConsumer):
    """A socket whose client reads nothing: every write waits forever."""

    async def _write(self, text: str) -> None:
        await asyncio.Event().wait()


def test_a_socket_that_falls_behind_is_closed_with_4008_and_others_carry_on(merchant, api_key_for):
    key = api_key_for(merchant, "payments:read")
    application = URLRouter(
        [
            path("ws/payments", PaymentsConsumer.as_asgi()),
            path("ws/stuck", StuckPaymentsConsumer.as_asgi()),
        ]
    )
    events = [event_dict("payment.created", merchant.pk, event_id=evt(n)) for n in range(12)]

    async def scenario():
        stuck = await open_socket(f"/ws/stuck?token={key}", application=application)
        fast = await open_socket(f"/ws/payments?token={key}", application=application)
        for event in events:
            await broadcast(event)
        received = await receive_events(fast, len(events))
        code = await close_code(stuck)
        await stuck.disconnect()
        await fast.disconnect()
        return received, code

    with override_settings(REALTIME_SEND_QUEUE_SIZE=5):
        received, code = run(scenario)

    assert received == events
    assert code == 4008
