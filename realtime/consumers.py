"""WebSocket consumers of /ws/payments, /ws/alerts, /ws/compliance and /ws/dashboard.

Thin: who may subscribe is `realtime.auth`, what is replayed `realtime.resume`, the dashboard's
figures `realtime.snapshot`; the group messages come from `realtime.subscribers` (the broadcast
subscriber) through the process's hub (`realtime.hub`). A consumer is a member of one group
(`rt.<stream>.<merchant>` or `rt.<stream>.all`), writes through a bounded queue
(`realtime.sender`), sends `{"type": "ping"}` every `REALTIME_HEARTBEAT_SECONDS`, and is closed
with 4008 when it falls too far behind.

Close codes: 4401 unauthenticated, 4403 not allowed, 4404 unknown merchant or path, 4008 too
slow (the socket is accepted first, so a browser sees the code).
"""

import asyncio
import contextlib
import json
from collections.abc import Coroutine
from typing import Any, ClassVar

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from .auth import (
    CLOSE_NOT_FOUND,
    CLOSE_SLOW_CONSUMER,
    CLOSE_UNAUTHENTICATED,
    Refused,
    Subscription,
    query_params,
    subscription_for,
)
from .groups import ALERTS, COMPLIANCE, DASHBOARD, PAYMENTS, group_name
from .hub import Hub, get_hub
from .resume import PAGE_SIZE, ResumeError, replay_check, replay_page, resume_anchor
from .revocation import credential_of, get_watcher
from .sender import RecentIds, SocketSender
from .snapshot import DashboardState, dashboard_state

PING = json.dumps({"type": "ping"})
PONG = json.dumps({"type": "pong"})
# Event ids a socket remembers having sent (redeliveries and replay overlaps are dropped).
RECENT_IDS = 10_000
SLOW_CLOSE_REASON = "Too slow: the send queue is full. Reconnect and resume after your last event."


def _error(code: str, message: str) -> str:
    return json.dumps({"type": "error", "code": code, "message": message})


class StreamConsumer(AsyncWebsocketConsumer):
    """Authentication, the group, the writer, the heartbeat and the slow-consumer close."""

    stream: ClassVar[str] = ""

    async def connect(self) -> None:
        self.subscription: Subscription | None = None
        self.sender: SocketSender | None = None
        self._hub: Hub | None = None
        self._joined: list[str] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False
        try:
            self.subscription = await database_sync_to_async(subscription_for)(
                self.scope, self.stream
            )
        except Refused as refused:
            await self.accept()
            await self.close(code=refused.code, reason=refused.reason)
            return
        await self.accept()
        self.sender = SocketSender(self._write, maxsize=settings.REALTIME_SEND_QUEUE_SIZE)
        self.sender.start()
        self.prepare()
        group = group_name(self.stream, self.subscription.merchant_id)
        self._hub = get_hub()
        await self._hub.join(group, self)
        self._joined.append(group)
        self._spawn(self._heartbeat())
        get_watcher().watch(
            self, credential_of(self.subscription.context, self.subscription.token_expiry)
        )
        await self.opened()

    def credential_revoked(self) -> None:
        """The key was revoked or expired, the JWT expired, or the user was deactivated: stop
        delivering and close with 4401 (realtime.revocation)."""
        if not self._closing:
            self._closing = True
            self._spawn(self._close_revoked())

    async def _close_revoked(self) -> None:
        await self._leave_groups()
        await self.close(code=CLOSE_UNAUTHENTICATED, reason="Credentials revoked or expired.")

    def prepare(self) -> None:
        """Set up what `deliver` uses, before the socket joins its group."""

    async def opened(self) -> None:
        """The socket is subscribed and accepted (subclasses send what comes first)."""

    def deliver(self, message: dict[str, Any]) -> None:
        """A group message, from the hub (synchronous: filter and queue, never wait)."""

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch, without its `close_old_connections` hop to the thread-sensitive
        executor before every message: with 1,000 sockets that is 1,000 thread hops per event,
        queued behind any ORM call of the process. These handlers never use the ORM directly;
        their database work goes through `database_sync_to_async`, which does that cleanup."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code: int) -> None:
        get_watcher().forget(self)
        for task in list(self._tasks):
            task.cancel()
        if self.sender is not None:
            await self.sender.stop()
        await self._leave_groups()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.subscription is None or self._closing:
            return
        try:
            message = json.loads(text_data or "")
        except ValueError:
            message = None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.push(_error("invalid_message", 'Send JSON objects with a "type".'))
            return
        if message["type"] == "ping":
            await self.push(PONG)
        else:
            await self.client_message(message)

    async def client_message(self, message: dict[str, Any]) -> None:
        await self.push(_error("invalid_message", f"Unknown message type {message['type']!r}."))

    def offer(self, text: str) -> bool:
        """Queue a frame; a socket whose queue is full is closed (4008). False when closed."""
        if self._closing or self.sender is None:
            return False
        if not self.sender.offer(text):
            self.close_slow()
            return False
        return True

    async def push(self, text: str) -> bool:
        return self.offer(text)

    async def _write(self, text: str) -> None:
        await self.base_send({"type": "websocket.send", "text": text})

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(settings.REALTIME_HEARTBEAT_SECONDS)
            if not self.offer(PING):
                return

    async def _leave_groups(self) -> None:
        joined, self._joined = self._joined, []
        for group in joined:
            await self._hub.leave(group, self)

    def close_slow(self) -> None:
        """The socket is too far behind: stop delivering to it, then close it (4008)."""
        if not self._closing:
            self._closing = True
            self._spawn(self._close_slow())

    async def _close_slow(self) -> None:
        """Leave the group, drop the backlog, say why, close with 4008."""
        await self._leave_groups()
        if self.sender is not None:
            await self.sender.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                self._write(_error("slow_consumer", SLOW_CLOSE_REASON)), timeout=1.0
            )
        await self.close(code=CLOSE_SLOW_CONSUMER, reason=SLOW_CLOSE_REASON)


class EventStreamConsumer(StreamConsumer):
    """/ws/payments, /ws/alerts, /ws/compliance: `{"type": "event", "event": …}` per event, and
    resume (`{"type": "resume", "after": "evt_…"}` or `?after=evt_…` on connect)."""

    def prepare(self) -> None:
        self._sent = RecentIds(RECENT_IDS)
        self._replaying = False
        self._buffer: list[dict[str, Any]] = []

    async def opened(self) -> None:
        after = query_params(self.scope).get("after")
        if after:
            await self._start_resume(after)

    async def client_message(self, message: dict[str, Any]) -> None:
        if message["type"] == "resume":
            await self._start_resume(message.get("after"))
        else:
            await super().client_message(message)

    def deliver(self, message: dict[str, Any]) -> None:
        """`rt.events` group messages: entries of realtime.groups."""
        if self.subscription is None or self._closing:
            return
        for entry in message["events"]:
            if not self._visible(entry):
                continue
            if self._replaying:
                self._buffer.append(entry)
                if len(self._buffer) > settings.REALTIME_SEND_QUEUE_SIZE:
                    self.close_slow()
                    return
            elif self._sent.add(entry["id"]) and not self.offer(entry["text"]):
                return

    def _visible(self, entry: dict[str, Any]) -> bool:
        """Tenant isolation (again: the group already is the merchant's) and per-user events."""
        subscription = self.subscription
        if subscription.merchant_id is not None and entry["merchant"] != subscription.merchant_id:
            return False
        return entry["user"] is None or entry["user"] == subscription.user_id

    async def _start_resume(self, after: object) -> None:
        if self._replaying:
            await self.push(_error("resume_in_progress", "A resume is already running."))
            return
        # From here on, live events wait in the buffer until the replay is done.
        self._replaying = True
        self._spawn(self._resume(after))

    async def _resume(self, after: object) -> None:
        replayed = 0
        try:
            anchor = await database_sync_to_async(resume_anchor)(
                subscription=self.subscription, after=after
            )
            await database_sync_to_async(replay_check)(
                subscription=self.subscription, anchor=anchor
            )
            sequence = anchor.sequence
            while True:
                entries, sequence = await database_sync_to_async(replay_page)(
                    subscription=self.subscription, anchor=anchor, after_sequence=sequence
                )
                for entry in entries:
                    if self._sent.add(entry.id) and self.sender is not None:
                        await self.sender.put(entry.text)
                        replayed += 1
                if len(entries) < PAGE_SIZE:
                    break
            await self.push(json.dumps({"type": "resumed", "after": after, "replayed": replayed}))
        except ResumeError as error:
            await self.push(json.dumps(error.as_message()))
        finally:
            await self._end_replay()

    async def _end_replay(self) -> None:
        """Send what arrived live during the replay (minus what the replay sent), then go live."""
        buffered, self._buffer = self._buffer, []
        self._replaying = False
        for entry in buffered:
            if self._sent.add(entry["id"]) and not self.offer(entry["text"]):
                return


class PaymentsConsumer(EventStreamConsumer):
    stream = PAYMENTS


class AlertsConsumer(EventStreamConsumer):
    stream = ALERTS


class ComplianceConsumer(EventStreamConsumer):
    stream = COMPLIANCE


class DashboardConsumer(StreamConsumer):
    """/ws/dashboard: a snapshot on connect, then at most one delta per
    `REALTIME_DASHBOARD_INTERVAL_MS` (the currencies that changed, with their new figures), and a
    fresh snapshot every `REALTIME_DASHBOARD_RESYNC_SECONDS` while events arrive. A `resume`
    message answers with a fresh snapshot."""

    stream = DASHBOARD

    def prepare(self) -> None:
        self._seen = RecentIds(RECENT_IDS)
        self._dirty: set[str] = set()
        self._flush: asyncio.Task[None] | None = None
        self._last_sent = asyncio.get_running_loop().time()
        self.state: DashboardState | None = None

    async def opened(self) -> None:
        await self._send_snapshot()

    async def client_message(self, message: dict[str, Any]) -> None:
        if message["type"] == "resume":
            await self._send_snapshot()
        else:
            await super().client_message(message)

    def deliver(self, message: dict[str, Any]) -> None:
        """`rt.metrics` group messages: the events that move the figures."""
        if self.subscription is None or self._closing or self.state is None:
            return
        merchant_id = self.subscription.merchant_id
        for event in message["events"]:
            if merchant_id is not None and event.get("merchant") != merchant_id:
                continue
            if self._seen.add(event["id"]):
                self._dirty |= self.state.apply(event)
        if self._dirty and (self._flush is None or self._flush.done()):
            loop = asyncio.get_running_loop()
            interval = settings.REALTIME_DASHBOARD_INTERVAL_MS / 1000
            delay = max(0.0, self._last_sent + interval - loop.time())
            self._flush = self._spawn(self._send_delta(delay))

    async def _send_snapshot(self) -> None:
        self.state = await database_sync_to_async(dashboard_state)(
            merchant_id=self.subscription.merchant_id
        )
        self._snapshot_at = asyncio.get_running_loop().time()
        self._dirty = set()
        message = self.state.message(
            "snapshot", merchant_id=self.subscription.merchant_id, now=timezone.now()
        )
        await self.push(json.dumps(message))

    async def _send_delta(self, delay: float) -> None:
        await asyncio.sleep(delay)
        loop = asyncio.get_running_loop()
        self._last_sent = loop.time()
        if loop.time() - self._snapshot_at >= settings.REALTIME_DASHBOARD_RESYNC_SECONDS:
            await self._send_snapshot()
            return
        changed, self._dirty = self._dirty, set()
        message = self.state.message(
            "delta", merchant_id=self.subscription.merchant_id, now=timezone.now(), only=changed
        )
        await self.push(json.dumps(message))


class NotFoundConsumer(AsyncWebsocketConsumer):
    """Any other /ws/ path: accepted, then closed with 4404."""

    async def connect(self) -> None:
        await self.accept()
        await self.close(code=CLOSE_NOT_FOUND, reason="No such WebSocket path.")
