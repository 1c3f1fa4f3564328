"""The broadcast subscriber: every event of the realtime queue to its WebSocket groups.

Runs in `manage.py events_consume --domain realtime` (or `--all`). A batch of events becomes one
channel-layer message per group (realtime.groups.group_messages), sent concurrently on the
process's send loop. The send is not transactional: an event redelivered after a failed commit is
sent again, and the sockets drop it by id (realtime.consumers).

The send loop is one asyncio event loop in a daemon thread, kept for the process's lifetime, so
the channel layer's Redis connection is reused from batch to batch. `async_to_sync` would run
each batch on a new loop with a new connection: 6-170 ms per batch on the reference machine,
against 0.6 ms on the kept loop.
"""

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

from channels.layers import get_channel_layer

from mcp_payments.events.subscribers import subscriber

from .groups import all_patterns, group_messages

BROADCAST = "realtime.broadcast"
# A Redis that does not answer fails the batch (retried, then dead-lettered) instead of hanging.
SEND_TIMEOUT_SECONDS = 10.0


class SendLoop:
    """An event loop running in a daemon thread; `run` waits for a coroutine on it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _running(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._thread is None or not self._thread.is_alive():
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="realtime-broadcast", daemon=True
                )
                self._thread.start()
            return self._loop

    def run(self, coroutine: Coroutine[Any, Any, Any], *, timeout: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._running())
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise


_send_loop = SendLoop()


async def _send_all(messages: dict[str, dict[str, Any]]) -> None:
    layer = get_channel_layer()
    sends = (layer.group_send(group, message) for group, message in messages.items())
    await asyncio.wait_for(asyncio.gather(*sends), timeout=SEND_TIMEOUT_SECONDS)


@subscriber("realtime", *all_patterns(), name=BROADCAST, batch=True)
def broadcast(events: list[dict[str, Any]]) -> None:
    messages = group_messages(events)
    if messages:
        _send_loop.run(_send_all(messages), timeout=SEND_TIMEOUT_SECONDS + 1)
