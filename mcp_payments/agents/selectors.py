"""Reads of agent approvals and spend, scoped to the caller's merchant."""

from datetime import date

from django.db.models import QuerySet

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.models import ApiKey

from .exceptions import ApprovalNotFound
from .models import AgentApproval, AgentSpend


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


def spent_today(*, api_key: ApiKey, day: date, currency: str) -> int:
    row = AgentSpend.objects.filter(api_key=api_key, day=day, currency=currency).first()
    return row.amount if row is not None else 0
