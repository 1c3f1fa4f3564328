"""Subscriptions to `approvals://{id}` (docs/mcp.md "Approval subscriptions").

Two protocol generations: handshake-era clients use `resources/subscribe`, which needs a
session that outlives the request to send `notifications/resources/updated` on later; the stdio
transport has one (one client per process, for as long as it runs), the stateless HTTP transport
does not and refuses with a message that says so. 2026-07-28 clients use `subscriptions/listen`,
whose response is the stream itself, so it works on every transport (HTTP: that request's SSE
response).

How a change is noticed: a watcher task per subscribed approval reads its status every
POLL_SECONDS through a selector (one indexed read) and notifies on every change (decided,
executed, failed, expired, retried). Polling, rather than listening on the realtime app's
Channels group, needs nothing but the database, sees every change however it was made (REST,
admin, the expiry job) and cannot miss one while a listener reconnects; an agent watches a
handful of approvals, so its cost is a few reads a second at most.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import anyio.abc
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.session import ServerSession
from mcp.server.subscriptions import InMemorySubscriptionBus, ListenHandler, ResourceUpdated
from mcp.shared.exceptions import MCPError

from mcp_payments.agents.models import ApprovalStatus
from mcp_payments.agents.selectors import approval_status

from .auth import run_sync

SCHEME = "approvals"
POLL_SECONDS = 0.5
# Nothing changes an approval in these statuses any more (a failed one may still be retried).
FINAL = frozenset({ApprovalStatus.EXECUTED, ApprovalStatus.REJECTED, ApprovalStatus.EXPIRED})

STATELESS_MESSAGE = (
    "Resource subscriptions need a stateful session: this HTTP transport is stateless. "
    "Use the stdio transport (python manage.py mcp_stdio) to subscribe, or poll get_approval."
)


class ApprovalWatchers:
    """The subscriptions of one session: a watcher task per subscribed approval URI, started in
    the session's task group (so they end with it)."""

    def __init__(self, task_group: anyio.abc.TaskGroup) -> None:
        self._task_group = task_group
        self._watchers: dict[str, anyio.CancelScope] = {}

    def subscribed(self) -> list[str]:
        """The URIs watched now."""
        return sorted(self._watchers)

    def subscribe(self, session: ServerSession, uri: str, approval_id: str, status: str) -> None:
        """Watch `approval_id` (now in `status`) for `session`; subscribing twice is one
        subscription."""
        if uri in self._watchers:
            return
        scope = anyio.CancelScope()
        self._watchers[uri] = scope
        self._task_group.start_soon(self._watch, scope, session, uri, approval_id, status)

    def unsubscribe(self, uri: str) -> None:
        """Stop watching `uri` (no error when it was not watched, as the spec allows)."""
        scope = self._watchers.pop(uri, None)
        if scope is not None:
            scope.cancel()

    async def _watch(
        self,
        scope: anyio.CancelScope,
        session: ServerSession,
        uri: str,
        approval_id: str,
        status: str,
    ) -> None:
        with scope:
            await watch_approval(approval_id, status, lambda: session.send_resource_updated(uri))
        if self._watchers.get(uri) is scope:
            del self._watchers[uri]


async def watch_approval(
    approval_id: str, status: str, notify: Callable[[], Awaitable[None]]
) -> None:
    """Call `notify` on each change of the approval's status (now `status`), until it is final
    or gone; cancel the task to stop earlier."""
    while status not in FINAL:
        await anyio.sleep(POLL_SECONDS)
        current = await run_sync(approval_status)(approval_id=approval_id)
        if current is None:
            return
        if current != status:
            status = current
            await notify()


async def listen_with_watchers(
    ctx: ServerRequestContext[Any, Any],
    params: types.SubscriptionsListenRequestParams,
    watched: list[tuple[str, str, str]],
) -> types.SubscriptionsListenResult:
    """`subscriptions/listen` (2026-07-28 clients, stdio or HTTP: the response is the stream)
    for the already authorized (uri, approval id, status) triples: the SDK's `ListenHandler`
    over a bus of this stream alone, fed by a watcher per approval; they end with the stream."""
    bus = InMemorySubscriptionBus()

    def publisher(uri: str) -> Callable[[], Awaitable[None]]:
        return lambda: bus.publish(ResourceUpdated(uri=uri))

    async with anyio.create_task_group() as tasks:
        for uri, approval_id, status in watched:
            tasks.start_soon(watch_approval, approval_id, status, publisher(uri))
        try:
            return await ListenHandler(bus)(ctx, params)
        finally:
            tasks.cancel_scope.cancel()


def approval_id_of(uri: str) -> str:
    """The approval id of `approvals://{id}`; any other URI is refused (INVALID_PARAMS)."""
    scheme, separator, object_id = uri.partition("://")
    if scheme != SCHEME or not separator or not object_id or "/" in object_id:
        raise MCPError(
            code=types.INVALID_PARAMS,
            message=f"Subscriptions are offered on {SCHEME}://{{id}} only.",
            data={"uri": uri},
        )
    return object_id


def stateless_refusal(uri: str) -> MCPError:
    """The answer to `resources/subscribe` where no session outlives the request."""
    data: dict[str, Any] = {"uri": uri}
    return MCPError(code=types.INVALID_REQUEST, message=STATELESS_MESSAGE, data=data)
