"""Agent policy for listings and tool calls (API.md §7): which tools a caller may list and
call. The amounts (max per call, daily limit, approvals) are enforced by the money services
themselves through `mcp_payments.agents.enforcement`, for every interface."""

from dataclasses import dataclass

from mcp_payments.accounts.context import AuthContext

from ..enforcement import operation_check
from ..exceptions import (
    AgentPolicyExpired,
    AgentReadOnly,
    ScopeMissing,
    StaffOnly,
    ToolNotAllowed,
)


@dataclass(frozen=True)
class ToolRequirement:
    """What a tool needs from its caller. `policy_exempt` tools (reading the outcome of the
    caller's own approvals) are not subject to `allowed_tools`."""

    name: str
    scope: str | None
    writes: bool
    staff_only: bool = False
    policy_exempt: bool = False


def tool_authorize(*, context: AuthContext, tool: ToolRequirement) -> None:
    """Raise the refusal of `tool` for this caller, or return when it may list and call it.

    Order: platform staff only, scope, then the caller's agent policy (expiry → 401,
    `read_only` refuses every write tool, `allowed_tools` every tool it does not name)."""
    if tool.staff_only and not context.is_platform_staff:
        raise StaffOnly()
    if tool.scope is not None and not context.has_scope(tool.scope):
        raise ScopeMissing(f"This tool needs the '{tool.scope}' scope.")
    operation_check(
        context=context,
        operation=tool.name,
        writes=tool.writes,
        restricted=not tool.policy_exempt,
    )


def tool_permitted(*, context: AuthContext, tool: ToolRequirement) -> bool:
    """`tool_authorize` as a yes/no, for listings."""
    try:
        tool_authorize(context=context, tool=tool)
    except (StaffOnly, ScopeMissing, AgentReadOnly, ToolNotAllowed, AgentPolicyExpired):
        return False
    return True
