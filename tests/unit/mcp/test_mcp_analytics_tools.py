"""Analytics, report and compliance-report tools through `run_tool`: an agent's answer equals
the REST API's (the dashboard's), and a payment an agent makes is attributed to its key."""

import pytest

from analytics.models import ReportRun
from payments.services.payment_methods import payment_method_create
from tests.fixtures.timed_payments import at, deliver_shuffled, pay, published_events

pytestmark = pytest.mark.django_db

WINDOW = {"start": "2026-11-10", "end": "2026-11-11", "timezone": "Europe/Paris"}
REST_WINDOW = {"from": "2026-11-10", "to": "2026-11-11", "timezone": "Europe/Paris"}


@pytest.fixture
def activity(merchant, agent, call, api):
    context = agent(merchant)
    pay(
        api,
        token="tok_visa",
        amount=4_000,
        currency="usd",
        customer=None,
        when="2026-11-10T08:00:00Z",
    )
    with at("2026-11-10T09:00:00Z"):
        method = payment_method_create(context=context, token="tok_mastercard").id
        outcome = call(
            context,
            "create_payment",
            {"amount": 6_000, "currency": "usd", "payment_method": method, "confirm": True},
        )
    assert outcome.status == "ok", outcome.body
    assert (outcome.body["source"], outcome.body["api_key"]) == ("mcp", context.api_key.id)
    deliver_shuffled(published_events(merchant.id))
    return context


def test_summary_and_fraud_tools_equal_the_rest_api(activity, call, api):
    summary = call(activity, "get_revenue_summary", WINDOW)
    assert summary.status == "ok"
    assert summary.body == api.get("/api/v1/analytics/summary", REST_WINDOW).json()
    assert summary.body["currencies"]["usd"]["gross_volume"] == 10_000

    fraud = call(activity, "get_fraud_overview", WINDOW)
    assert fraud.body == api.get("/api/v1/analytics/fraud", REST_WINDOW).json()


def test_timeseries_by_source_attributes_the_agents_payment(activity, call, api):
    arguments = {**WINDOW, "metric": "gross_volume", "interval": "day", "group_by": "source"}
    outcome = call(activity, "get_timeseries", arguments)
    rest = api.get(
        "/api/v1/analytics/timeseries",
        {**REST_WINDOW, "metric": "gross_volume", "interval": "day", "group_by": "source"},
    ).json()
    assert outcome.body == rest
    assert {(p["group"], p["value"]) for p in outcome.body["points"]} == {
        ("api", 4_000),
        ("mcp", 6_000),
    }
    by_key = call(activity, "get_timeseries", {**arguments, "group_by": "api_key"}).body
    assert (activity.api_key.id, 6_000) in {(p["group"], p["value"]) for p in by_key["points"]}


def test_bad_arguments_are_tool_errors_with_param(activity, call):
    outcome = call(activity, "get_revenue_summary", {"timezone": "Nowhere/City"})
    assert outcome.is_error
    assert outcome.body["error"]["param"] == "timezone"
    outcome = call(activity, "get_timeseries", {"metric": "password"})
    assert outcome.is_error and outcome.body["error"]["param"] == "metric"


def test_run_report_and_compliance_report_tools(
    activity, call, api, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    report = api.post(
        "/api/v1/reports",
        {
            "name": "By source",
            "source": "payments",
            "metrics": ["count", "gross_volume"],
            "dimensions": ["currency", "source"],
            "sort": ["source"],
        },
        format="json",
    ).json()
    run = call(activity, "run_report", {"id": report["id"]})
    assert run.status == "ok", run.body
    assert run.body["rows"] == [
        {
            "currency": "usd",
            "source": "api",
            "count": 1,
            "gross_volume": 4_000,
            "gross_volume_decimal": "40.00",
        },
        {
            "currency": "usd",
            "source": "mcp",
            "count": 1,
            "gross_volume": 6_000,
            "gross_volume_decimal": "60.00",
        },
    ]
    assert ReportRun.objects.get(pk=run.body["id"]).status == "succeeded"

    with django_capture_on_commit_callbacks(execute=True):
        generated = call(
            activity,
            "generate_compliance_report",
            {
                "kind": "large_transactions",
                "period_start": "2026-11-10",
                "period_end": "2026-11-11",
            },
        )
    assert generated.status == "ok", generated.body
    listed = call(activity, "list_compliance_reports", {"kind": "large_transactions"})
    assert [item["id"] for item in listed.body["data"]] == [generated.body["id"]]
    assert listed.body["data"][0]["status"] == "succeeded"
