"""The realtime pipeline with real processes and the real Redis channel layer: outbox → relay →
RabbitMQ → `events_consume --domain realtime` (the broadcast subscriber) → Redis → a consumer's
socket, for both channels_redis layers (core and pub/sub). The channel layer's keys carry this
test run's prefix (settings.test CHANNEL_LAYER_PREFIX), inherited by the processes."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from mcp_payments.events.topology import main_queue
from tests.fixtures.realtime import open_socket, receive, run, store_event
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

PROCESS_TIMEOUT = 90
LAYERS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}


def consuming(broker, domain: str) -> bool:
    channel = broker.channel()
    try:
        _, _, consumers = channel.queue_declare(queue=main_queue(domain).name, passive=True)
    finally:
        channel.close()
    return consumers > 0


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_committed_events_reach_the_sockets_of_their_merchant_through_redis(
    kind, processes, broker, merchant, other_merchant, api_key_for, settings
):
    layer = {**settings.CHANNEL_LAYERS["default"], "BACKEND": LAYERS[kind]}
    layer["CONFIG"] = {key: layer["CONFIG"][key] for key in ("hosts", "prefix")}
    key, other_key = api_key_for(merchant, "*"), api_key_for(other_merchant, "*")
    processes.relay()
    processes.consumer("realtime", CHANNEL_LAYER_KIND=kind)
    wait_until(
        lambda: consuming(broker, "realtime"),
        timeout=PROCESS_TIMEOUT,
        message=f"the realtime consumer is up\n{processes.logs_tail()}",
    )

    async def scenario():
        mine = await open_socket(f"/ws/payments?token={key}")
        theirs = await open_socket(f"/ws/payments?token={other_key}")
        dashboard = await open_socket(f"/ws/dashboard?token={key}")
        snapshot = await receive(dashboard)
        stored = await sync_to_async(store_event)(
            "payment.succeeded",
            merchant,
            {"id": "pay_1", "object": "payment", "amount": 1_234, "currency": "usd"},
        )
        received = await asyncio.wait_for(receive(mine), timeout=30)
        delta = await asyncio.wait_for(receive(dashboard), timeout=30)
        assert await theirs.receive_nothing(timeout=1.0)
        for socket in (mine, theirs, dashboard):
            await socket.disconnect()
        return stored, received, snapshot, delta

    with override_settings(CHANNEL_LAYERS={"default": layer}):
        stored, received, snapshot, delta = run(scenario)

    assert received == {"type": "event", "event": json.loads(json.dumps(stored))}
    assert snapshot["type"] == "snapshot"
    assert delta["type"] == "delta"
    assert delta["currencies"]["usd"]["gross_volume"] == 1_234
