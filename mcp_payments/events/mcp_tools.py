"""MCP tool over the event log (GET /api/v1/events). Customer PII in event payloads is redacted
for keys without `customers:read` (mcp_payments/mcp/execution.py)."""

from typing import Any

from rest_framework import serializers

from mcp_payments.events import selectors
from mcp_payments.events.api.serializers import EventSerializer
from mcp_payments.mcp.registry import ListInput, ToolCall, tool


class EventListInput(ListInput):
    type = serializers.CharField(
        max_length=64, required=False, help_text="Exact type, or a prefix such as payment.*"
    )


@tool(
    "list_events",
    scope="events:read",
    input=EventListInput,
    output=EventSerializer,
    is_list=True,
    title="List events",
    description="The merchant's events (one per state change: payment.succeeded, "
    "refund.created, transfer.posted, ...), newest first, optionally of one type or a prefix "
    "(transfer.*); each carries the object as it was then.",
)
def list_events(call: ToolCall, data: dict[str, Any]):
    return selectors.event_list(context=call.context, type=data.get("type"))
