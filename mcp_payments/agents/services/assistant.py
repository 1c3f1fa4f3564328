"""The merchant's assistant policy (API.md §7, docs/api.md "Assistant policy"): the agent policy
of the merchant's dashboard users when they act through `/mcp` (actor `assistant:<user>`)."""

from datetime import datetime
from typing import Any

from django.db import transaction

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.audit.records import audit_record

from ..exceptions import AssistantPolicyForbidden
from ..models import AssistantPolicy

POLICY_FIELDS = (
    "max_amount_per_call",
    "daily_limit",
    "approval_above",
    "allowed_tools",
    "expires_at",
    "read_only",
)


def assistant_policy_as_dict(row: AssistantPolicy | None) -> dict[str, Any]:
    """The policy's fields (all None/empty/False when the merchant never set one)."""
    return {
        "object": "assistant_policy",
        "max_amount_per_call": row.max_amount_per_call if row else None,
        "daily_limit": dict(row.daily_limit) if row else {},
        "approval_above": row.approval_above if row else None,
        "allowed_tools": list(row.allowed_tools) if row and row.allowed_tools is not None else None,
        "expires_at": _timestamp(row.expires_at) if row else None,
        "read_only": row.read_only if row else False,
    }


def _timestamp(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def assistant_policy_set(*, context: AuthContext, policy: dict[str, Any]) -> AssistantPolicy:
    """Replace the merchant's assistant policy with `policy` (the fields of `POLICY_FIELDS`;
    missing ones are cleared). Merchant admins and platform staff acting for a merchant only
    (403 otherwise). Audited (`assistant_policy.updated`, before and after)."""
    if context.merchant is None:
        raise MerchantRequired()
    if not (context.is_platform_staff or (context.user is not None and context.role == "admin")):
        raise AssistantPolicyForbidden()
    values = {
        "max_amount_per_call": policy.get("max_amount_per_call"),
        "daily_limit": policy.get("daily_limit") or {},
        "approval_above": policy.get("approval_above"),
        "allowed_tools": policy.get("allowed_tools"),
        "expires_at": policy.get("expires_at"),
        "read_only": bool(policy.get("read_only", False)),
    }
    with transaction.atomic(durable=True):
        row = AssistantPolicy.objects.select_for_update().filter(merchant=context.merchant).first()
        before = assistant_policy_as_dict(row)
        if row is None:
            row = AssistantPolicy(merchant=context.merchant)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        audit_record(
            context=context,
            action="assistant_policy.updated",
            object_type="assistant_policy",
            object_id=context.merchant.id,
            merchant_id=context.merchant.id,
            before=before,
            after=assistant_policy_as_dict(row),
        )
        return row
