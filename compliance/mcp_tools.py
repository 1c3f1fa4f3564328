"""MCP tools over compliance: the audit chain check and compliance alerts."""

from typing import Any

from rest_framework import serializers

from mcp_payments.mcp.registry import ListInput, NoInput, ToolCall, tool

from .api.serializers import AuditVerificationSerializer
from .representations import AlertSerializer
from .selectors.alerts import alert_list
from .services.audit import audit_seal_and_verify


@tool(
    "verify_audit_log",
    scope="compliance:read",
    input=NoInput,
    output=AuditVerificationSerializer,
    staff_only=True,
    title="Verify the audit log's hash chain",
    description="Seal pending audit entries and verify the whole hash chain (platform staff). "
    "Returns ok, how many entries were checked and where the chain first breaks.",
)
def verify_audit_log(call: ToolCall, data: dict[str, Any]):
    return audit_seal_and_verify()


class AlertListInput(ListInput):
    status = serializers.ChoiceField(choices=["open", "resolved"], required=False)


@tool(
    "list_compliance_alerts",
    scope="compliance:read",
    input=AlertListInput,
    output=AlertSerializer,
    is_list=True,
    title="List compliance alerts",
    description="AML and settlement alerts (large transactions, structuring, settlement "
    "mismatches, a broken audit chain), newest first; optionally by status.",
)
def list_compliance_alerts(call: ToolCall, data: dict[str, Any]):
    return alert_list(context=call.context, status=data.get("status"))
