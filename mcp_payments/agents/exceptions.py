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


class AgentPolicyViolation(AgentPermissionError):
    """Any refusal by the caller's agent policy (API.md §7): one code, `param` says which."""

    code = "agent_policy_violation"


class AgentReadOnly(AgentPolicyViolation):
    message = "This caller's agent policy is read-only: it may not change anything."

    def __init__(self, message: str | None = None, *, param: str | None = "read_only") -> None:
        super().__init__(message, param=param)


class ToolNotAllowed(AgentPolicyViolation):
    message = "This caller's agent policy does not allow this operation."

    def __init__(self, message: str | None = None, *, param: str | None = "allowed_tools") -> None:
        super().__init__(message, param=param)


class AmountAboveMaxPerCall(AgentPolicyViolation):
    message = "The amount exceeds this caller's max_amount_per_call."


class DailyLimitExceeded(AgentPolicyViolation):
    message = "The amount would exceed this caller's daily limit for this currency."


class AgentPolicyExpired(ApplicationError):
    type = "authentication_error"
    code = "api_key_expired"
    status = 401
    message = "This caller's agent policy expired (expires_at)."


class ApprovalRequired(ApplicationError):
    """Raised by `policy_enforce` inside the money service's transaction (so the call changes
    nothing) when the amount is above `approval_above`: the interface turns it into a pending
    approval (REST 202, MCP `pending_approval`). Uncaught, it is a 403."""

    type = "permission_error"
    code = "approval_required"
    status = 403
    message = "This call needs a staff approval (above approval_above)."

    def __init__(self, *, operation: str, amount: int, currency: str) -> None:
        super().__init__(
            f"{operation} of {amount} {currency} is above approval_above: it needs a staff "
            "approval.",
            param="amount",
        )
        self.operation = operation
        self.amount = amount
        self.currency = currency


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


class ApprovalRetryForbidden(ApplicationError):
    type = "permission_error"
    code = "permission_denied"
    status = 403
    message = "Only platform staff may retry a failed approval."


class AssistantPolicyForbidden(ApplicationError):
    type = "permission_error"
    code = "permission_denied"
    status = 403
    message = "Only the merchant's admins (or platform staff) may set the assistant policy."
