"""Fan-out inside one server process: one channel-layer membership per group per process.

The broadcast subscriber sends one message per group (`rt.<stream>.<merchant>`); a server
process holding 1,000 sockets of that group receives it ONCE, on the hub's channel, and hands it
to each of its local sockets (`Member.deliver`, synchronous: a socket only filters and queues the
frame; its own writer task sends it). Joining every socket's channel to the group instead costs
one Redis entry and one channel-layer dispatch per socket per message, which measured ~15 s p50
with most deliveries dropped at 1,000 sockets (docs/api.md "WebSockets", ops/bench/websockets.py).

One hub per event loop (a server process has one). Its reader task runs while it has members;
after a channel-layer error it waits, joins its groups again and goes on. Memberships are renewed
every hour (the core layer forgets a group member after a day).
"""

import asyncio
import contextlib
import logging
import weakref
from typing import Any, Protocol

from channels.layers import BaseChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
RENEW_SECONDS = 3600.0


class Member(Protocol):
    def deliver(self, message: dict[str, Any]) -> None:
        """Take a group message (must not block: filter and queue only)."""


class Hub:
    def __init__(self, layer: BaseChannelLayer) -> None:
        self.layer = layer
        self.channel: str | None = None
        self.members: dict[str, set[Member]] = {}
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None
        self._renewer: asyncio.Task[None] | None = None

    async def join(self, group: str, member: Member) -> None:
        async with self._lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
            members = self.members.get(group)
            if members is None:
                await self.layer.group_add(group, self.channel)
                members = self.members[group] = set()
            members.add(member)
            if self._reader is None or self._reader.done():
                loop = asyncio.get_running_loop()
                self._reader = loop.create_task(self._read())
                self._renewer = loop.create_task(self._renew())

    async def leave(self, group: str, member: Member) -> None:
        async with self._lock:
            members = self.members.get(group)
            if members is None or member not in members:
                return
            members.discard(member)
            if members:
                return
            del self.members[group]
            await self.layer.group_discard(group, self.channel)
            if not self.members:
                await self._stop()

    def size(self, group: str) -> int:
        return len(self.members.get(group, ()))

    async def _stop(self) -> None:
        for task in (self._reader, self._renewer):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._reader = self._renewer = None

    async def _read(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the channel layer's boundary (Redis down, timeouts, ...)
                logger.warning("realtime hub: channel layer receive failed", exc_info=True)
                await asyncio.sleep(RETRY_SECONDS)
                await self._rejoin()
                continue
            self.dispatch(message)

    def dispatch(self, message: dict[str, Any]) -> None:
        for member in tuple(self.members.get(message.get("group", ""), ())):
            try:
                member.deliver(message)
            except Exception:  # one socket's bug must not stop the others' delivery
                logger.exception("realtime hub: delivery to a socket failed")

    async def _rejoin(self) -> None:
        with contextlib.suppress(Exception):
            for group in tuple(self.members):
                await self.layer.group_add(group, self.channel)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            await self._rejoin()


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def get_hub() -> Hub:
    """The hub of the running event loop, on the current default channel layer."""
    loop = asyncio.get_running_loop()
    layer = get_channel_layer()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not layer:
        hub = _hubs[loop] = Hub(layer)
    return hub
