"""The Grafana dashboards of MCP Payments, as code (grafana-foundation-sdk).

    var/tools/ops/bin/python ops/monitoring/grafana/dashboards.py --write   # regenerate the JSON
    var/tools/ops/bin/python ops/monitoring/grafana/dashboards.py --check   # make test-ops

`--check` builds every dashboard, compares it with the committed JSON under dashboards/ (exit 1 on
any difference: edit this file, never the JSON) and parses every PromQL expression of the
dashboards and of the alert rules (ops/monitoring/prometheus/*.rules.yml) with promql-parser.
Metric sources: docs/deployment.md, "Monitoring".
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

import promql_parser
import yaml
from grafana_foundation_sdk.builders.common import VizLegendOptions
from grafana_foundation_sdk.builders.dashboard import Dashboard, DatasourceVariable, Row
from grafana_foundation_sdk.builders.prometheus import Dataquery as PrometheusQuery
from grafana_foundation_sdk.builders.stat import Panel as Stat
from grafana_foundation_sdk.builders.timeseries import Panel as Timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.common import LegendDisplayMode, LegendPlacement
from grafana_foundation_sdk.models.dashboard import DataSourceRef

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "dashboards"
RULES = sorted((HERE.parent / "prometheus").glob("*.rules.yml"))
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
# Grafana's own variables, replaced by a duration before an expression is parsed as PromQL.
GRAFANA_DURATIONS = ("$__rate_interval", "$__interval", "$__range")


def query(expr: str, legend: str = "") -> PrometheusQuery:
    """One Prometheus target."""
    target = PrometheusQuery().expr(expr).datasource(DATASOURCE)
    if legend:
        target = target.legend_format(legend)
    return target


def timeseries(title: str, unit: str, *targets: PrometheusQuery, description: str = ""):
    """A time series panel with a table legend (so the series are readable by route)."""
    panel = (
        Timeseries()
        .title(title)
        .unit(unit)
        .datasource(DATASOURCE)
        .height(8)
        .span(12)
        .legend(
            VizLegendOptions()
            .display_mode(LegendDisplayMode.TABLE)
            .placement(LegendPlacement.BOTTOM)
            .show_legend(True)
        )
    )
    if description:
        panel = panel.description(description)
    for index, target in enumerate(targets):
        panel = panel.with_target(target.ref_id(chr(ord("A") + index)))
    return panel


def stat(title: str, unit: str, target: PrometheusQuery, description: str = ""):
    """A single-value panel."""
    panel = Stat().title(title).unit(unit).datasource(DATASOURCE).height(4).span(6)
    if description:
        panel = panel.description(description)
    return panel.with_target(target.ref_id("A"))


def _base(uid: str, title: str) -> Dashboard:
    return (
        Dashboard(title)
        .uid(uid)
        .tags(["mcp-payments", "generated"])
        .refresh("30s")
        .time("now-3h", "now")
        .timezone("utc")
        .editable()
        .with_variable(DatasourceVariable("datasource").label("Data source").type("prometheus"))
    )


def api_dashboard() -> Dashboard:
    """API latency and errors by route, request rates, WebSocket connections."""
    by_view = "django_http_requests_latency_seconds_by_view_method_bucket"
    responses = "django_http_responses_total_by_status_view_method_total"
    return (
        _base("mcp-payments-api", "MCP Payments / API")
        .with_row(Row("Latency and errors by route"))
        .with_panel(
            timeseries(
                "p95 latency by route",
                "s",
                query(
                    "histogram_quantile(0.95, "
                    f"sum by (le, view) (rate({by_view}[$__rate_interval])))",
                    "{{view}}",
                ),
            )
        )
        .with_panel(
            timeseries(
                "p50 latency by route",
                "s",
                query(
                    "histogram_quantile(0.50, "
                    f"sum by (le, view) (rate({by_view}[$__rate_interval])))",
                    "{{view}}",
                ),
            )
        )
        .with_panel(
            timeseries(
                "5xx ratio by route",
                "percentunit",
                query(
                    f'sum by (view) (rate({responses}{{status=~"5.."}}[$__rate_interval])) '
                    f"/ sum by (view) (rate({responses}[$__rate_interval]))",
                    "{{view}}",
                ),
            )
        )
        .with_panel(
            timeseries(
                "4xx by route",
                "reqps",
                query(
                    f'sum by (view, status) (rate({responses}{{status=~"4.."}}[$__rate_interval]))',
                    "{{view}} {{status}}",
                ),
            )
        )
        .with_row(Row("Traffic"))
        .with_panel(
            timeseries(
                "Requests per second by route",
                "reqps",
                query(f"sum by (view) (rate({responses}[$__rate_interval]))", "{{view}}"),
            )
        )
        .with_panel(
            timeseries(
                "Open connections at the proxy",
                "short",
                query("sum(nginx_connections_active)", "active"),
                query("sum(nginx_connections_waiting)", "idle keep-alive"),
                description="WebSocket connections are the long-lived part of the active ones.",
            )
        )
    )


def flow_dashboard() -> Dashboard:
    """Money and events: payments and transfers per second, outbox and queue depths, webhooks,
    Celery task durations."""
    deliveries = "mcp_payments_webhook_deliveries_last_5m"
    return (
        _base("mcp-payments-flow", "MCP Payments / Payments, events and workers")
        .with_row(Row("Business throughput"))
        .with_panel(
            timeseries(
                "Payments and transfers per second",
                "ops",
                query(
                    "sum by (type) (mcp_payments_events_per_second"
                    '{type=~"payment\\\\.(succeeded|failed)|transfer\\\\.(created|posted)"})',
                    "{{type}}",
                ),
            )
        )
        .with_panel(
            timeseries(
                "Webhook success rate (5 min)",
                "percentunit",
                query(
                    f'sum({deliveries}{{status="succeeded"}}) / sum({deliveries})',
                    "succeeded / finished",
                ),
            )
        )
        .with_row(Row("Outbox and queues"))
        .with_panel(
            stat(
                "Oldest unpublished event",
                "s",
                query("max(mcp_payments_outbox_oldest_unpublished_seconds)"),
            )
        )
        .with_panel(
            stat(
                "Events waiting for the relay",
                "short",
                query("max(mcp_payments_outbox_unpublished)"),
            )
        )
        .with_panel(
            stat(
                "Dead letters",
                "short",
                query('sum(rabbitmq_detailed_queue_messages{queue=~".+\\\\.dlq"})'),
            )
        )
        .with_panel(
            stat(
                "Disabled webhook endpoints",
                "short",
                query("max(mcp_payments_webhook_endpoints_disabled)"),
            )
        )
        .with_panel(
            timeseries(
                "Queue depth (ready) by queue",
                "short",
                query(
                    "sum by (queue) (rabbitmq_detailed_queue_messages_ready)",
                    "{{queue}}",
                ),
            )
        )
        .with_panel(
            timeseries(
                "Consumers per queue",
                "short",
                query("sum by (queue) (rabbitmq_detailed_queue_consumers)", "{{queue}}"),
            )
        )
        .with_row(Row("Celery"))
        .with_panel(
            timeseries(
                "Task duration p95 by task",
                "s",
                query(
                    "histogram_quantile(0.95, sum by (le, name) "
                    "(rate(celery_task_runtime_bucket[$__rate_interval])))",
                    "{{name}}",
                ),
            )
        )
        .with_panel(
            timeseries(
                "Tasks failed per second by task",
                "ops",
                query(
                    "sum by (name) (rate(celery_task_failed_total[$__rate_interval]))",
                    "{{name}}",
                ),
            )
        )
        .with_panel(
            timeseries(
                "Workers up",
                "short",
                query("sum by (hostname) (celery_worker_up)", "{{hostname}}"),
            )
        )
    )


DASHBOARDS = {"mcp-payments-api.json": api_dashboard, "mcp-payments-flow.json": flow_dashboard}


def render(builder: Dashboard) -> str:
    """The dashboard's JSON as committed (sorted keys, 2-space indent, final newline)."""
    return JSONEncoder(sort_keys=True, indent=2).encode(builder.build()) + "\n"


def dashboard_expressions(document: dict) -> list[str]:
    """Every PromQL expression of a dashboard's panels."""
    return [
        target["expr"]
        for panel in document.get("panels", [])
        for target in panel.get("targets", [])
        if "expr" in target
    ]


def rule_expressions(path: Path) -> list[str]:
    """Every `expr` of a Prometheus rule file."""
    document = yaml.safe_load(path.read_text())
    return [rule["expr"] for group in document["groups"] for rule in group["rules"]]


def promql_problems(where: str, expressions: list[str]) -> list[str]:
    """Parse each expression (Grafana's duration variables replaced); one line per failure."""
    problems = []
    for expr in expressions:
        concrete = expr
        for variable in GRAFANA_DURATIONS:
            concrete = concrete.replace(variable, "5m")
        try:
            promql_parser.parse(concrete)
        except Exception as exc:  # the parser's error type is not part of its public API
            problems.append(f"{where}: PromQL does not parse: {expr!r}: {exc}")
    return problems


def main(argv: list[str]) -> int:
    if argv[1:] not in (["--write"], ["--check"]):
        print(__doc__)
        return 2
    write = argv[1] == "--write"
    problems: list[str] = []
    parsed = 0
    for name, build in DASHBOARDS.items():
        text = render(build())
        path = OUTPUT / name
        expressions = dashboard_expressions(json.loads(text))
        parsed += len(expressions)
        problems += promql_problems(name, expressions)
        if write:
            OUTPUT.mkdir(exist_ok=True)
            path.write_text(text)
            continue
        committed = path.read_text() if path.exists() else ""
        if committed != text:
            diff = difflib.unified_diff(
                committed.splitlines(), text.splitlines(), str(path), "generated", lineterm=""
            )
            problems.append(f"{path} differs from dashboards.py:\n" + "\n".join(list(diff)[:40]))
    for path in RULES:
        expressions = rule_expressions(path)
        parsed += len(expressions)
        problems += promql_problems(path.name, expressions)
    for problem in problems:
        print(problem)
    print(
        f"dashboards: {len(DASHBOARDS)}, PromQL expressions parsed: {parsed}, "
        f"problems: {len(problems)}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
