"""Reads of agent approvals and spend, scoped to the caller's merchant."""

from dataclasses import replace

from django.db.models import QuerySet

from mcp_payments.accounts.context import AuthContext, CallerPolicy

from .exceptions import ApprovalNotFound
from .models import AgentApproval, AssistantPolicy


def approval_list(*, context: AuthContext, status: str | None = None) -> QuerySet[AgentApproval]:
    approvals = AgentApproval.objects.all()
    if context.merchant is not None:
        approvals = approvals.filter(merchant=context.merchant)
    elif not context.is_platform_staff:
        return approvals.none()
    if status:
        approvals = approvals.filter(status=status)
    return approvals


def approval_get(*, context: AuthContext, approval_id: str) -> AgentApproval:
    """The caller's merchant's approval; another merchant's id is a 404 too."""
    approval = approval_list(context=context).filter(pk=approval_id).first()
    if approval is None:
        raise ApprovalNotFound(f"No such agent approval: '{approval_id}'", param="id")
    return approval


def approval_status(*, approval_id: str) -> str | None:
    """An approval's status now (None once it no longer exists); one indexed read, for
    watchers that already checked the caller may see it (`approval_get`)."""
    return AgentApproval.objects.filter(pk=approval_id).values_list("status", flat=True).first()


def assistant_policy_get(*, merchant_id: str) -> AssistantPolicy | None:
    """The merchant's assistant policy row, or None when it never set one."""
    return AssistantPolicy.objects.filter(merchant_id=merchant_id).first()


def assistant_context(context: AuthContext) -> AuthContext:
    """A dashboard user's context on `/mcp`: the merchant's assistant acting for that user
    (actor `assistant:<user>`), under the merchant's assistant policy. Platform staff carry no
    policy and stay themselves."""
    if context.is_platform_staff or context.merchant is None or context.user is None:
        return context
    row = assistant_policy_get(merchant_id=context.merchant.id)
    policy = CallerPolicy.of(f"assistant:{context.merchant.id}", row) if row else None
    return replace(context, assistant=True, agent_policy=policy)
