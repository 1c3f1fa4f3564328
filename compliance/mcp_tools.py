"""MCP tools over compliance: the audit chain check and compliance alerts."""

from typing import Any

from rest_framework import serializers

from mcp_payments.mcp.registry import Effect, ListInput, NoInput, ToolCall, tool

from .api.report_views import ComplianceReportRequestSerializer
from .api.serializers import AuditVerificationSerializer
from .reports.services import compliance_report_list, compliance_report_request
from .representations import AlertSerializer, ComplianceReportSerializer
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


class ComplianceReportListInput(ListInput):
    kind = serializers.ChoiceField(
        choices=["large_transactions", "suspicious_activity", "audit_export", "data_retention"],
        required=False,
    )


@tool(
    "list_compliance_reports",
    scope="compliance:read",
    input=ComplianceReportListInput,
    output=ComplianceReportSerializer,
    is_list=True,
    title="List compliance reports",
    description="Regulatory reports (large transactions, suspicious activity worksheets, audit "
    "exports with their chain verification), newest first; optionally by kind.",
)
def list_compliance_reports(call: ToolCall, data: dict[str, Any]):
    return compliance_report_list(context=call.context, kind=data.get("kind"))


@tool(
    "generate_compliance_report",
    scope="reports:write",
    input=ComplianceReportRequestSerializer,
    output=ComplianceReportSerializer,
    effect=Effect.WRITE,
    title="Generate a compliance report",
    description="Request a report of a kind (large_transactions, suspicious_activity, "
    "audit_export) over UTC days [period_start, period_end); it is generated in the background "
    "(status pending, then succeeded). Same as POST /compliance/reports.",
)
def generate_compliance_report(call: ToolCall, data: dict[str, Any]):
    return compliance_report_request(context=call.context, **data)
