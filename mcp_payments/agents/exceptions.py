"""Refusals of the agent-safety layer (API.md §7): each with its own code."""

from mcp_payments.api.errors import ApplicationError, Conflict, NotFound


class AgentPermissionError(ApplicationError):
    type = "permission_error"
    code = "permission_denied"
    status = 403
    message = "This key may not do this."


class ScopeMissing(AgentPermissionError):
    code = "permission_denied"


class StaffOnly(AgentPermissionError):
    code = "permission_denied"
    message = "Only platform staff may use this tool."


class AgentReadOnly(AgentPermissionError):
    code = "agent_read_only"
    message = "This key's agent policy is read-only: it may not call write tools."


class ToolNotAllowed(AgentPermissionError):
    code = "tool_not_allowed"
    message = "This key's agent policy does not allow this tool."


class AmountAboveMaxPerCall(AgentPermissionError):
    code = "agent_amount_limit_exceeded"
    message = "The amount exceeds this key's max_amount_per_call."


class DailyLimitExceeded(AgentPermissionError):
    code = "agent_daily_limit_exceeded"
    message = "The amount would exceed this key's daily limit for this currency."


class ApprovalNotFound(NotFound):
    message = "No such agent approval."


class ApprovalNotPending(Conflict):
    code = "approval_not_pending"
    message = "This approval was already decided."


class ApprovalDecisionForbidden(ApplicationError):
    type = "permission_error"
    code = "permission_denied"
    status = 403
    message = "Only platform staff or the merchant's admin or finance users may decide approvals."


class ApprovalKeyInactive(Conflict):
    code = "api_key_inactive"
    message = "The API key that asked for this call is revoked or expired; it was not executed."
