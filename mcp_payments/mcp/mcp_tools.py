"""The MCP layer's own tools: the outcome of an approval, and (staff) the system status.
Prompts are in `prompts.py`."""

from typing import Any

from mcp_payments.agents import selectors as agent_selectors
from mcp_payments.agents.models import AgentApproval
from mcp_payments.agents.representations import AgentApprovalSerializer
from mcp_payments.monitoring.status import system_status

from . import prompts  # noqa: F401 (registers the prompts)
from .registry import IdInput, NoInput, ToolCall, resource, tool


@tool(
    "get_approval",
    scope=None,
    policy_exempt=True,
    input=IdInput,
    output=AgentApprovalSerializer,
    title="Get an approval",
    description="Where a call that returned pending_approval stands (appr_…): pending, "
    "rejected, or executed with the object it created in result (failed: the error).",
)
def get_approval(call: ToolCall, data: dict[str, Any]) -> AgentApproval:
    return agent_selectors.approval_get(context=call.context, approval_id=data["id"])


@resource(
    "approvals",
    scope=None,
    policy_exempt=True,
    output=AgentApprovalSerializer,
    name="agent_approval",
    description="An approval as get_approval shows it. Subscribe (subscriptions/listen; "
    "resources/subscribe over stdio) for notifications/resources/updated when it is decided, "
    "executed, fails or expires.",
)
def approval_resource(call: ToolCall, approval_id: str) -> AgentApproval:
    return agent_selectors.approval_get(context=call.context, approval_id=approval_id)


_COUNT = {"type": "integer", "minimum": 0}
_UNREACHABLE = {
    "type": "object",
    "properties": {"ok": {"const": False}, "error": {"type": "string"}},
    "required": ["ok", "error"],
}
_EVENT_QUEUE = {
    "type": "object",
    "properties": {
        "declared": {"type": "boolean"},
        "messages": _COUNT,
        "consumers": _COUNT,
        "retrying": _COUNT,
        "dlq_messages": _COUNT,
    },
    "required": ["declared", "messages", "consumers", "retrying", "dlq_messages"],
}
_CELERY_QUEUE = {
    "type": "object",
    "properties": {"declared": {"type": "boolean"}, "messages": _COUNT, "consumers": _COUNT},
    "required": ["declared", "messages", "consumers"],
}
_WORKER = {
    "type": "object",
    "properties": {
        "hostname": {"type": "string"},
        "queues": {"type": "array", "items": {"type": "string"}},
        "seen_seconds_ago": {"type": "number"},
    },
    "required": ["hostname", "queues", "seen_seconds_ago"],
}
# GET /system/status as a JSON schema: every section, including an unreachable broker or Redis.
SYSTEM_STATUS_SCHEMA = {
    "type": "object",
    "properties": {
        "object": {"const": "system_status"},
        "outbox": {
            "type": "object",
            "properties": {
                "unpublished": _COUNT,
                "oldest_age_seconds": {"type": ["number", "null"]},
            },
            "required": ["unpublished", "oldest_age_seconds"],
        },
        "dead_letters": {
            "type": "object",
            "description": "Pending dead letters per queue.",
            "additionalProperties": _COUNT,
        },
        "last_beat_run": {"type": ["string", "null"], "description": "RFC 3339, or null."},
        "queues": {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "ok": {"const": True},
                        "events": {"type": "object", "additionalProperties": _EVENT_QUEUE},
                        "celery": {"type": "object", "additionalProperties": _CELERY_QUEUE},
                    },
                    "required": ["ok", "events", "celery"],
                },
                _UNREACHABLE,
            ]
        },
        "workers": {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "ok": {"const": True},
                        "count": _COUNT,
                        "seen": {"type": "array", "items": _WORKER},
                        "last_heartbeat_task": {
                            "anyOf": [
                                {
                                    "type": "object",
                                    "properties": {
                                        "hostname": {"type": "string"},
                                        "seconds_ago": {"type": "number"},
                                    },
                                    "required": ["hostname", "seconds_ago"],
                                },
                                {"type": "null"},
                            ]
                        },
                    },
                    "required": ["ok", "count", "seen", "last_heartbeat_task"],
                },
                _UNREACHABLE,
            ]
        },
    },
    "required": ["object", "outbox", "dead_letters", "last_beat_run", "queues", "workers"],
}


@tool(
    "get_system_status",
    scope="system:read",
    staff_only=True,
    input=NoInput,
    output=SYSTEM_STATUS_SCHEMA,
    open_world=True,
    title="Get the system status",
    description="Platform staff: queue depths, dead letters, workers seen, outbox lag and the "
    "last scheduler run (GET /system/status).",
)
def get_system_status(call: ToolCall, data: dict[str, Any]) -> dict[str, Any]:
    return system_status()
