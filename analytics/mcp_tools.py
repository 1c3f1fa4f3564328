"""MCP tools over analytics and the report builder: the same metric code as the REST endpoints
and the dashboard, so an agent's answer equals the dashboard's."""

from typing import Any

from rest_framework import serializers

from mcp_payments.api.serializers import StrictSerializer
from mcp_payments.mcp.registry import Effect, ToolCall, tool

from .breakdowns import analytics_fraud
from .metrics import (
    GROUP_BY_DIMENSIONS,
    INTERVALS,
    TIMESERIES_METRICS,
    analytics_summary,
    analytics_timeseries,
    window_parse,
)
from .reports.services import report_run
from .representations import ReportRunSerializer
from .selectors import merchant_id_of


class WindowInput(StrictSerializer):
    start = serializers.CharField(
        required=False,
        max_length=40,
        help_text="REST's `from`: YYYY-MM-DD (local midnight) or RFC 3339; default 30 days ago.",
    )
    end = serializers.CharField(
        required=False, max_length=40, help_text="REST's `to` (exclusive); default tomorrow."
    )
    timezone = serializers.CharField(
        required=False, max_length=64, help_text="IANA timezone (default UTC)."
    )


class SummaryInput(WindowInput):
    compare = serializers.BooleanField(
        required=False, default=True, help_text="Include the previous period."
    )


class TimeseriesInput(WindowInput):
    metric = serializers.ChoiceField(choices=list(TIMESERIES_METRICS))
    interval = serializers.ChoiceField(choices=list(INTERVALS), required=False, default="day")
    group_by = serializers.ChoiceField(choices=list(GROUP_BY_DIMENSIONS), required=False)


class RunReportInput(StrictSerializer):
    id = serializers.CharField(max_length=64, help_text="The saved report (rpt_...).")


_OBJECT = {"type": "object"}


def _window(data: dict[str, Any]):
    return window_parse(start=data.get("start"), end=data.get("end"), timezone=data.get("timezone"))


@tool(
    "get_revenue_summary",
    scope="analytics:read",
    input=SummaryInput,
    output={**_OBJECT, "properties": {"object": {"const": "analytics_summary"}}},
    title="Revenue summary (the dashboard's home tiles)",
    description="Gross volume, net volume, refunds, disputes, fees, payment counts, rates (basis "
    "points) per currency in integer minor units over [start, end) in a timezone, with the "
    "previous period for comparison. Same numbers as GET /analytics/summary.",
)
def get_revenue_summary(call: ToolCall, data: dict[str, Any]) -> dict[str, Any]:
    return analytics_summary(
        merchant_id=merchant_id_of(call.context), window=_window(data), compare=data["compare"]
    )


@tool(
    "get_timeseries",
    scope="analytics:read",
    input=TimeseriesInput,
    output={**_OBJECT, "properties": {"object": {"const": "analytics_timeseries"}}},
    title="A metric over time",
    description="Points of a metric per hour, day, week or month (local periods of the "
    "timezone), per currency, optionally grouped by a dimension (source, api_key, card_brand, "
    "...). Same numbers as GET /analytics/timeseries.",
)
def get_timeseries(call: ToolCall, data: dict[str, Any]) -> dict[str, Any]:
    return analytics_timeseries(
        merchant_id=merchant_id_of(call.context),
        metric=data["metric"],
        interval=data["interval"],
        window=_window(data),
        group_by=data.get("group_by"),
    )


@tool(
    "get_fraud_overview",
    scope="analytics:read",
    input=WindowInput,
    output={**_OBJECT, "properties": {"object": {"const": "analytics_fraud"}}},
    title="Fraud overview",
    description="Risk block and review rates, authorization rate, the most triggered risk rules "
    "and disputes by reason over [start, end). Same numbers as GET /analytics/fraud.",
)
def get_fraud_overview(call: ToolCall, data: dict[str, Any]) -> dict[str, Any]:
    return analytics_fraud(merchant_id=merchant_id_of(call.context), window=_window(data))


@tool(
    "run_report",
    scope="reports:write",
    input=RunReportInput,
    output=ReportRunSerializer,
    effect=Effect.WRITE,
    title="Run a saved report",
    description="Run a saved report definition: rows inline when it returns at most 1,000 rows "
    "within 5 s (status succeeded), else status pending and it runs in the background (poll "
    "the run with GET /report_runs/{id}). Same as POST /reports/{id}/run.",
)
def run_report(call: ToolCall, data: dict[str, Any]):
    return report_run(context=call.context, report_id=data["id"])
