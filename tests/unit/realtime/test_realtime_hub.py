"""The per-process hub: one channel-layer membership per group, local fan-out, recovery."""

import asyncio

import pytest
from channels.layers import get_channel_layer

from realtime import hub as hub_module
from realtime.hub import Hub, get_hub
from tests.fixtures.realtime import open_socket, run

pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.got: list[dict] = []
        self.fail = fail

    def deliver(self, message: dict) -> None:
        if self.fail:
            raise RuntimeError("broken socket")
        self.got.append(message)


def test_sockets_of_one_group_share_one_membership(merchant, api_key_for):
    key = api_key_for(merchant, "payments:read")
    group = f"rt.payments.{merchant.pk}"

    async def scenario():
        sockets = [await open_socket(f"/ws/payments?token={key}") for _ in range(3)]
        layer = get_channel_layer()
        members = list(layer.groups[group])
        local = get_hub().size(group)
        for socket in sockets:
            await socket.disconnect()
        return members, local, group in layer.groups, get_hub().size(group)

    members, local, still_there, left = run(scenario)

    assert len(members) == 1
    assert local == 3
    assert (still_there, left) == (False, 0)


def test_one_failing_member_does_not_stop_the_others():
    async def scenario():
        hub = Hub(get_channel_layer())
        broken, healthy = Recorder(fail=True), Recorder()
        await hub.join("rt.payments.all", broken)
        await hub.join("rt.payments.all", healthy)
        hub.dispatch({"type": "rt.events", "group": "rt.payments.all", "events": []})
        hub.dispatch({"type": "rt.events", "group": "rt.alerts.all", "events": []})
        await hub.leave("rt.payments.all", broken)
        await hub.leave("rt.payments.all", healthy)
        return healthy.got

    assert run(scenario) == [{"type": "rt.events", "group": "rt.payments.all", "events": []}]


class FlakyLayer:
    """A channel layer whose first receive fails (Redis went away)."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue = asyncio.Queue()
        self.adds: list[str] = []
        self.failed = False

    async def new_channel(self) -> str:
        return "specific.hub!1"

    async def group_add(self, group: str, channel: str) -> None:
        self.adds.append(group)

    async def group_discard(self, group: str, channel: str) -> None:
        pass

    async def receive(self, channel: str) -> dict:
        if not self.failed:
            self.failed = True
            raise ConnectionError("redis went away")
        return await self.queue.get()


def test_the_reader_rejoins_and_goes_on_after_a_layer_error(monkeypatch):
    monkeypatch.setattr(hub_module, "RETRY_SECONDS", 0.01)

    async def scenario():
        layer = FlakyLayer()
        hub = Hub(layer)
        member = Recorder()
        await hub.join("rt.payments.all", member)
        await layer.queue.put({"type": "rt.events", "group": "rt.payments.all", "events": [1]})
        for _ in range(200):
            if member.got:
                break
            await asyncio.sleep(0.01)
        await hub.leave("rt.payments.all", member)
        return layer.adds, member.got

    adds, got = run(scenario)

    assert adds == ["rt.payments.all", "rt.payments.all"]
    assert got == [{"type": "rt.events", "group": "rt.payments.all", "events": [1]}]
