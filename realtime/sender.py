"""A socket's outgoing frames: a bounded queue drained by one writer task.

Group messages are handled in the consumer's dispatch loop; they only *offer* frames here, so a
socket that writes slowly never holds up the dispatch of others (nor its own heartbeat). When the
queue is full the socket is too far behind: the consumer closes it (4008) and the client resumes
from the last event it has. Replays *wait* for room instead (they pace themselves).
"""

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


class SocketSender:
    def __init__(self, write: Callable[[str], Awaitable[None]], *, maxsize: int) -> None:
        self._write = write
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    @property
    def backlog(self) -> int:
        return self._queue.qsize()

    def offer(self, text: str) -> bool:
        """Queue a frame; False when the queue is full (the socket is too far behind)."""
        try:
            self._queue.put_nowait(text)
        except asyncio.QueueFull:
            return False
        return True

    async def put(self, text: str) -> None:
        """Queue a frame, waiting for room."""
        await self._queue.put(text)

    async def _run(self) -> None:
        while True:
            text = await self._queue.get()
            try:
                await self._write(text)
            except (OSError, RuntimeError):
                # The connection is gone (the server refuses sends after a close); the consumer
                # learns it from websocket.disconnect.
                logger.debug("socket write failed; writer stopped", exc_info=True)
                return

    async def stop(self) -> None:
        """Stop writing; frames still queued are dropped."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


class RecentIds:
    """The last `size` event ids a socket was sent (drops redeliveries and replay overlaps)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, event_id: str) -> bool:
        """Remember `event_id`; False when it was already there."""
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True
