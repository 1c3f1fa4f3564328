"""The MCP layer's own tools: the outcome of an approval, and (staff) the system status.
Prompts are in `prompts.py`."""

from typing import Any

from mcp_payments.agents import selectors as agent_selectors
from mcp_payments.agents.models import AgentApproval
from mcp_payments.agents.representations import AgentApprovalSerializer
from mcp_payments.monitoring.status import system_status

from . import prompts  # noqa: F401 (registers the prompts)
from .registry import IdInput, NoInput, ToolCall, tool


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


@tool(
    "get_system_status",
    scope="system:read",
    staff_only=True,
    input=NoInput,
    output={"type": "object", "properties": {"object": {"const": "system_status"}}},
    open_world=True,
    title="Get the system status",
    description="Platform staff: queue depths, dead letters, workers seen, outbox lag and the "
    "last scheduler run (GET /system/status).",
)
def get_system_status(call: ToolCall, data: dict[str, Any]) -> dict[str, Any]:
    return system_status()
