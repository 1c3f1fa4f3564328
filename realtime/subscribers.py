"""The broadcast subscriber: every event of the realtime queue to its WebSocket groups.

Runs in `manage.py events_consume --domain realtime`. A batch of events becomes one channel-layer
message per group (realtime.groups.group_messages), all sent concurrently on one event loop. The
send is not transactional: an event redelivered after a failed commit is sent again, and the
sockets drop it by id (realtime.consumers).
"""

import asyncio
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from mcp_payments.events.subscribers import subscriber

from .groups import all_patterns, group_messages

BROADCAST = "realtime.broadcast"
# A Redis that does not answer fails the batch (retried, then dead-lettered) instead of hanging.
SEND_TIMEOUT_SECONDS = 10.0


async def _send_all(messages: dict[str, dict[str, Any]]) -> None:
    layer = get_channel_layer()
    sends = (layer.group_send(group, message) for group, message in messages.items())
    await asyncio.wait_for(asyncio.gather(*sends), timeout=SEND_TIMEOUT_SECONDS)


@subscriber("realtime", *all_patterns(), name=BROADCAST, batch=True)
def broadcast(events: list[dict[str, Any]]) -> None:
    messages = group_messages(events)
    if messages:
        async_to_sync(_send_all)(messages)
