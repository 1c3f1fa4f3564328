"""What approving a pending agent call would do, for the staff member about to decide (the back
office's approval page): the call's own dry run, through the same tool path as the approved
call itself (`execution.run_tool` with `dry_run: true`), so the preview and the real run cannot
disagree on validation, pricing, postings or the policy verdict."""

from typing import Any

from mcp_payments.agents.exceptions import ApprovalKeyInactive
from mcp_payments.agents.models import AgentApproval
from mcp_payments.agents.services.approvals import approval_context
from mcp_payments.api.errors import application_error_body

from .execution import run_tool
from .registry import DRY_RUN


def approval_dry_run(*, approval: AgentApproval) -> dict[str, Any]:
    """The dry-run body of the approved call (`{"object": "dry_run", "would_create", "postings",
    "fee", "amount", "currency", "policy", "error"}`), or an error envelope (`{"error": ...}`)
    when it cannot run at all (revoked or expired key, unknown tool). Nothing stays: the tool's
    service is rolled back; one `mcp.tool_called` audit row records the dry run."""
    try:
        context = approval_context(approval)
    except ApprovalKeyInactive as exc:
        return application_error_body(exc)
    outcome = run_tool(
        context=context,
        name=approval.tool,
        arguments={**approval.arguments, DRY_RUN: True},
    )
    return outcome.body
