"""Staff approvals of agents' money-moving calls (API.md §7).

A call above its key's `approval_above` becomes a pending `AgentApproval` and does nothing
else. Approving runs the original call once, with its original arguments and idempotency key,
through the executor the MCP layer registers (`register_executor`): this app does not know how
tools run. Each decision is audited (the approver is the actor) and raises
`agent.approval_decided`; the request raises `agent.approval_requested`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.models import ApiKey
from mcp_payments.api.errors import IdempotencyKeyReused, application_error_body
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit

from ..exceptions import ApprovalDecisionForbidden, ApprovalKeyInactive, ApprovalNotPending
from ..models import AgentApproval, ApprovalStatus
from ..selectors import approval_get

DECIDER_ROLES = frozenset({"admin", "finance"})


@dataclass(frozen=True)
class ExecutionResult:
    """How the approved call ended: `body` is the object it returned or its error envelope."""

    ok: bool
    body: dict[str, Any]


Executor = Callable[[AgentApproval, AuthContext], ExecutionResult]
_executor: Executor | None = None


def register_executor(executor: Executor) -> None:
    """Called once by the MCP layer at startup with its function that runs a tool call."""
    global _executor
    _executor = executor


def approval_request(
    *,
    context: AuthContext,
    tool: str,
    arguments: dict[str, Any],
    amount: int,
    currency: str,
    idempotency_key: str,
) -> AgentApproval:
    """The approval for this call: a new pending one (emits `agent.approval_requested`), or
    the one a previous identical call (same key, same idempotency key) created. The same
    idempotency key with other arguments → `idempotency_key_reused`."""
    key = context.api_key
    if key is None or context.merchant is None:
        raise RuntimeError("approvals are for calls made with an API key")
    with transaction.atomic():
        approval, created = AgentApproval.objects.get_or_create(
            api_key=key,
            idempotency_key=idempotency_key,
            defaults={
                "merchant": context.merchant,
                "tool": tool,
                "arguments": arguments,
                "amount": amount,
                "currency": currency,
            },
        )
        if not created:
            if approval.tool != tool or approval.arguments != arguments:
                raise IdempotencyKeyReused()
            return approval
        emit("agent.approval_requested", approval)
        return approval


def _require_decider(context: AuthContext) -> None:
    if context.is_platform_staff:
        return
    if context.user is None or context.role not in DECIDER_ROLES:
        raise ApprovalDecisionForbidden()


def _locked_pending(context: AuthContext, approval_id: str) -> AgentApproval:
    approval_get(context=context, approval_id=approval_id)
    approval = AgentApproval.objects.select_for_update().get(pk=approval_id)
    if approval.status != ApprovalStatus.PENDING:
        raise ApprovalNotPending(f"This approval is {approval.status}.")
    return approval


def _decide(
    context: AuthContext, approval: AgentApproval, status: str, reason: str
) -> AgentApproval:
    approval.status = status
    approval.reason = reason
    approval.decided_by = context.user
    approval.decided_at = timezone.now()
    approval.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(
        context=context,
        action=f"agent_approval.{status}",
        object_type="agent_approval",
        object_id=approval.id,
        merchant_id=approval.merchant_id,
        before={"status": ApprovalStatus.PENDING},
        after={
            "status": status,
            "reason": reason,
            "tool": approval.tool,
            "amount": approval.amount,
            "currency": approval.currency,
            "api_key": approval.api_key_id,
        },
    )
    return approval


def approval_context(approval: AgentApproval) -> AuthContext:
    """The context of the key that asked, as it is now: a revoked or expired key's call is not
    run."""
    key = ApiKey.objects.select_related("merchant").get(pk=approval.api_key_id)
    if key.revoked_at is not None or (
        key.expires_at is not None and key.expires_at <= timezone.now()
    ):
        raise ApprovalKeyInactive()
    return AuthContext(merchant=key.merchant, scopes=frozenset(key.scopes), api_key=key)


def approval_approve(*, context: AuthContext, approval_id: str, reason: str = "") -> AgentApproval:
    """Approve a pending call and run it once (the approval lifts `approval_above`, not the
    key's `max_amount_per_call` or daily limit). Only platform staff or the merchant's admin or
    finance users decide; deciding twice → 409 `approval_not_pending`.

    The decision commits (audited, with the approver as actor) before the call runs, so two
    approvers can never both run it; the call then runs in its own transactions with its
    original idempotency key, and its outcome (`executed` with the object, or `failed` with the
    error) is stored and raised as `agent.approval_decided`."""
    _require_decider(context)
    if _executor is None:
        raise RuntimeError("no approval executor registered (is mcp_payments.mcp installed?)")
    with transaction.atomic():
        approval = _decide(
            context, _locked_pending(context, approval_id), ApprovalStatus.APPROVED, reason
        )
    try:
        result = _executor(approval, approval_context(approval))
    except ApprovalKeyInactive as exc:
        result = ExecutionResult(ok=False, body=application_error_body(exc))
    with transaction.atomic():
        approval = AgentApproval.objects.select_for_update().get(pk=approval.pk)
        approval.status = ApprovalStatus.EXECUTED if result.ok else ApprovalStatus.FAILED
        approval.result = result.body
        approval.completed_at = timezone.now()
        approval.save(update_fields=["status", "result", "completed_at"])
        emit("agent.approval_decided", approval)
    return approval


def approval_reject(*, context: AuthContext, approval_id: str, reason: str = "") -> AgentApproval:
    """Refuse a pending call: it never runs. Audited; emits `agent.approval_decided`."""
    _require_decider(context)
    with transaction.atomic():
        approval = _decide(
            context, _locked_pending(context, approval_id), ApprovalStatus.REJECTED, reason
        )
        emit("agent.approval_decided", approval)
        return approval
