"""MCP tools over compliance: the audit chain check and compliance alerts."""

from typing import Any

from rest_framework import serializers

from mcp_payments.mcp.registry import Effect, IdInput, ListInput, NoInput, ToolCall, tool
from mcp_payments.mcp.schemas import Schema, serializer_schema

from .api.report_views import ComplianceReportRequestSerializer
from .api.rule_serializers import BacktestSerializer, RiskRuleCreateSerializer
from .api.serializers import AuditVerificationSerializer
from .models import RiskRule
from .reports.services import compliance_report_list, compliance_report_request
from .representations import AlertSerializer, ComplianceReportSerializer, RiskRuleSerializer
from .selectors.alerts import alert_list
from .services import rules as rule_services
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


class RiskRuleCreateInput(RiskRuleCreateSerializer):
    dry_run = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Backtest the rule over the last 30 days instead of creating it.",
    )


_RULE_OR_BACKTEST: Schema = {
    "type": "object",
    "anyOf": [
        serializer_schema(RiskRuleSerializer, output=True),
        serializer_schema(BacktestSerializer, output=True),
    ],
}


@tool(
    "list_risk_rules",
    scope="risk:read",
    input=ListInput,
    output=RiskRuleSerializer,
    is_list=True,
    title="List risk rules",
    description="The merchant's risk rules (expression, action allow|review|block, position, "
    "enabled). Evaluation is by ascending position; the first enabled match decides.",
)
def list_risk_rules(call: ToolCall, data: dict[str, Any]):
    return rule_services.risk_rule_list(context=call.context)


@tool(
    "create_risk_rule",
    scope="risk:write",
    input=RiskRuleCreateInput,
    output=_RULE_OR_BACKTEST,
    effect=Effect.WRITE,
    title="Create a risk rule (or backtest it)",
    description='Create a rule: name, expression (e.g. "amount > 90000 and card_country != '
    'ip_country"; grammar and attributes in docs/risk.md), action allow|review|block, optional '
    "position. dry_run: true creates nothing and returns the 30-day backtest (payments it would "
    "have matched and how many of those were fraud).",
)
def create_risk_rule(call: ToolCall, data: dict[str, Any]):
    dry_run = data.pop("dry_run", False)
    if dry_run:
        rule_services.validate_expression(data["expression"])
        probe = RiskRule(expression=data["expression"], action=data["action"])
        result = rule_services.risk_rule_backtest(context=call.context, rule=probe)
        return dict(BacktestSerializer(result).data)
    rule = rule_services.risk_rule_create(context=call.context, **data)
    return dict(RiskRuleSerializer(rule).data)


@tool(
    "test_risk_rule",
    scope="risk:read",
    input=IdInput,
    output=BacktestSerializer,
    title="Backtest a risk rule",
    description="Run a saved rule (rule_…) over the merchant's last 30 days, every attribute "
    "recomputed as of each payment: how many payments it would have blocked/reviewed/allowed "
    "and how many of those were later confirmed fraud.",
)
def test_risk_rule(call: ToolCall, data: dict[str, Any]):
    rule = rule_services.risk_rule_get(context=call.context, rule_id=data["id"])
    return rule_services.risk_rule_backtest(context=call.context, rule=rule)


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
