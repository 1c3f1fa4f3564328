"""Staff approvals of agents' money-moving calls (API.md §7, docs/api.md "Approvals").

A call above its policy's `approval_above` raises `ApprovalRequired` inside the money
service's transaction (so nothing changed); the interface then calls `approval_request`, which
creates (or finds again, for a retry with the same idempotency key) a pending `AgentApproval`
and raises `agent.approval_requested`. The approval owns the request's idempotency record:
while pending it answers the 202 (REST) or `pending_approval` (MCP); when the call has run,
the record holds the executed call's status and body, written in the same transaction that
completes the approval.

    pending → approved → executed | failed (→ approved again once, by staff: retry)
    pending → rejected | expired

Approving commits the decision first (so two approvers can never both run the call), then
runs the original call once through the operation registry (`mcp_payments.agents.operations`,
filled by each app), then books the outcome. Every decision is audited and raises
`agent.approval_decided`.
"""

import json
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from mcp_payments.accounts.context import AuthContext, CallerPolicy
from mcp_payments.accounts.models import ApiKey
from mcp_payments.accounts.selectors import user_context
from mcp_payments.api.errors import (
    ApplicationError,
    IdempotencyKeyReused,
    application_error_body,
    validation_error_body,
)
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit

from ..enforcement import daily_limit_of
from ..exceptions import (
    ApprovalDecisionForbidden,
    ApprovalKeyInactive,
    ApprovalNotPending,
    ApprovalRetryForbidden,
)
from ..models import AgentApproval, ApprovalStatus
from ..operations import operation_executor
from ..selectors import approval_get, assistant_context

DECIDER_ROLES = frozenset({"admin", "finance"})


@dataclass(frozen=True)
class ExecutionResult:
    """How the approved call ended: HTTP `status` and `body` (the object or its envelope)."""

    ok: bool
    body: dict[str, Any]
    status: int = 200


def approval_request(
    *,
    context: AuthContext,
    operation: str,
    arguments: dict[str, Any],
    amount: int,
    currency: str,
    idempotency_key: str,
    interface: str,
) -> AgentApproval:
    """The approval for this call: a new pending one (emits `agent.approval_requested`, expires
    after AGENT_APPROVAL_TTL_SECONDS), or the one a previous identical call (same policy owner,
    same idempotency key) created. The same key with other arguments → 422
    `idempotency_key_reused`. Its own transaction (the refused call's was rolled back)."""
    owner = context.policy_owner
    if owner is None or context.merchant is None:
        raise RuntimeError("approvals are for callers with an agent policy")
    with transaction.atomic(durable=True):
        approval, created = AgentApproval.objects.get_or_create(
            owner=owner,
            idempotency_key=idempotency_key,
            defaults={
                "merchant": context.merchant,
                "api_key": context.api_key,
                "requested_by": context.user if context.api_key is None else None,
                "interface": interface,
                "tool": operation,
                "arguments": arguments,
                "amount": amount,
                "currency": currency,
                "idempotency_scope": context.idempotency_scope,
                "policy_verdict": _verdict(context, amount, currency),
                "expires_at": timezone.now()
                + timedelta(seconds=settings.AGENT_APPROVAL_TTL_SECONDS),
            },
        )
        if not created:
            if approval.tool != operation or approval.arguments != arguments:
                raise IdempotencyKeyReused()
            return approval
        emit("agent.approval_requested", approval)
        return approval


def _verdict(context: AuthContext, amount: int, currency: str) -> dict[str, Any]:
    policy = context.agent_policy
    assert policy is not None
    return {
        "allowed": True,
        "approval_required": True,
        "reason": f"amount {amount} is above approval_above ({policy.approval_above})",
        "approval_above": policy.approval_above,
        "max_amount_per_call": policy.max_amount_per_call,
        "daily_limit": daily_limit_of(policy, currency),
    }


def _require_decider(context: AuthContext) -> None:
    if context.is_platform_staff:
        return
    if context.user is None or context.role not in DECIDER_ROLES:
        raise ApprovalDecisionForbidden()


def _store_response(approval: AgentApproval, status: int, body: dict[str, Any]) -> None:
    """The approval's answer becomes its request's idempotency record (same transaction)."""
    approval.response = {"status": status, "body": body}
    if not approval.idempotency_scope:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE api_idempotencyrecord SET state = 'completed', response_status = %s,"
            " response_body = %s::jsonb WHERE scope = %s AND key = %s",
            [status, json.dumps(body), approval.idempotency_scope, approval.idempotency_key],
        )


def _locked(context: AuthContext, approval_id: str, *statuses: str) -> AgentApproval:
    approval_get(context=context, approval_id=approval_id)
    approval = AgentApproval.objects.select_for_update().get(pk=approval_id)
    if approval.status not in statuses:
        raise ApprovalNotPending(f"This approval is {approval.status}.")
    return approval


def _decide(
    context: AuthContext, approval: AgentApproval, status: str, reason: str
) -> AgentApproval:
    before = approval.status
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
        before={"status": before},
        after={
            "status": status,
            "reason": reason,
            "tool": approval.tool,
            "amount": approval.amount,
            "currency": approval.currency,
            "owner": approval.owner,
        },
    )
    return approval


def _refusal_body(approval: AgentApproval, code: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "type": "permission_error",
            "code": code,
            "message": message,
            "param": None,
            "approval": approval.id,
        }
    }


def _expire_if_due(approval: AgentApproval) -> bool:
    """Inside a transaction holding the approval's lock: a pending approval past `expires_at`
    becomes `expired` (its request's record answers 403 `approval_expired`)."""
    if approval.status != ApprovalStatus.PENDING or approval.expires_at is None:
        return False
    if approval.expires_at > timezone.now():
        return False
    approval.status = ApprovalStatus.EXPIRED
    approval.completed_at = timezone.now()
    body = _refusal_body(approval, "approval_expired", f"Nobody approved {approval.id} in time.")
    _store_response(approval, 403, body)
    approval.save(update_fields=["status", "completed_at", "response"])
    emit("agent.approval_decided", approval)
    return True


def approval_expire_due(*, limit: int = 500) -> int:
    """Expire pending approvals past their `expires_at` (beat job); returns how many."""
    due = list(
        AgentApproval.objects.filter(
            status=ApprovalStatus.PENDING, expires_at__lte=timezone.now()
        ).values_list("pk", flat=True)[:limit]
    )
    expired = 0
    for approval_id in due:
        with transaction.atomic(durable=True):
            approval = AgentApproval.objects.select_for_update().get(pk=approval_id)
            expired += _expire_if_due(approval)
    return expired


def approval_context(approval: AgentApproval) -> AuthContext:
    """The context of the caller that asked, as it is now (a revoked or expired key's call is
    not run), marked as running `approval` (so `approval_above` no longer applies)."""
    if approval.api_key_id is not None:
        key = ApiKey.objects.select_related("merchant").get(pk=approval.api_key_id)
        if key.revoked_at is not None or (
            key.expires_at is not None and key.expires_at <= timezone.now()
        ):
            raise ApprovalKeyInactive()
        context = AuthContext(
            merchant=key.merchant,
            scopes=frozenset(key.scopes),
            api_key=key,
            agent_policy=CallerPolicy.of(key.id, key),
        )
    else:
        base = user_context(approval.requested_by) if approval.requested_by else None
        if base is None or base.merchant is None:
            raise ApprovalKeyInactive()
        context = assistant_context(base)
    return replace(context, approval_id=approval.id)


def _execute(approval: AgentApproval) -> ExecutionResult:
    try:
        context = approval_context(approval)
        status, body = operation_executor(approval.tool)(context, dict(approval.arguments))
    except ApplicationError as exc:
        return ExecutionResult(ok=False, body=application_error_body(exc), status=exc.status)
    except ValidationError as exc:
        return ExecutionResult(ok=False, body=validation_error_body(exc), status=400)
    return ExecutionResult(ok=True, body=body, status=status)


def _run_and_book(approval: AgentApproval) -> AgentApproval:
    result = _execute(approval)
    with transaction.atomic(durable=True):
        approval = AgentApproval.objects.select_for_update().get(pk=approval.pk)
        approval.status = ApprovalStatus.EXECUTED if result.ok else ApprovalStatus.FAILED
        approval.result = result.body
        approval.completed_at = timezone.now()
        _store_response(approval, result.status, result.body)
        approval.save(update_fields=["status", "result", "completed_at", "response"])
        emit("agent.approval_decided", approval)
    return approval


def approval_approve(*, context: AuthContext, approval_id: str, reason: str = "") -> AgentApproval:
    """Approve a pending call and run it once (the approval lifts `approval_above`, not
    `max_amount_per_call` or the daily limit). Only platform staff or the merchant's admin or
    finance users decide; deciding twice → 409 `approval_not_pending`; an approval past its
    `expires_at` becomes `expired` (409).

    The decision commits (audited, with the approver as actor) before the call runs; the call
    then runs in its own transactions, and its outcome (`executed` with the object, or `failed`
    with the error) is stored, written into the request's idempotency record and raised as
    `agent.approval_decided`."""
    _require_decider(context)
    with transaction.atomic(durable=True):
        approval = _locked(context, approval_id, ApprovalStatus.PENDING)
        expired = _expire_if_due(approval)
        if not expired:
            approval = _decide(context, approval, ApprovalStatus.APPROVED, reason)
    if expired:
        raise ApprovalNotPending(f"This approval expired at {approval.expires_at.isoformat()}.")
    return _run_and_book(approval)


def approval_retry(*, context: AuthContext, approval_id: str) -> AgentApproval:
    """Platform staff run a `failed` approval's call once more (once only: a second retry, or a
    retry of any other status → 409). The call keeps its idempotency key, so it can never have
    run twice: a failed call changed nothing."""
    if not context.is_platform_staff:
        raise ApprovalRetryForbidden()
    with transaction.atomic(durable=True):
        approval = _locked(context, approval_id, ApprovalStatus.FAILED)
        if approval.retried:
            raise ApprovalNotPending("This approval was already retried once.")
        approval = _decide(context, approval, ApprovalStatus.APPROVED, "retry")
        approval.retried = True
        approval.save(update_fields=["retried"])
    return _run_and_book(approval)


def approval_reject(*, context: AuthContext, approval_id: str, reason: str = "") -> AgentApproval:
    """Refuse a pending call: it never runs; its request's record answers 403
    `approval_rejected`. Audited; emits `agent.approval_decided`."""
    _require_decider(context)
    with transaction.atomic(durable=True):
        approval = _locked(context, approval_id, ApprovalStatus.PENDING)
        if _expire_if_due(approval):
            return approval
        approval = _decide(context, approval, ApprovalStatus.REJECTED, reason)
        body = _refusal_body(
            approval, "approval_rejected", f"Staff rejected this call ({approval.id})."
        )
        _store_response(approval, 403, body)
        approval.completed_at = timezone.now()
        approval.save(update_fields=["response", "completed_at"])
        emit("agent.approval_decided", approval)
        return approval
