"""The report builder through its API: every (source, metric) pair with each allowed dimension,
three-dimension combinations, forbidden fields, injection attempts, CSV round trip, async runs,
signed links and schedules."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from analytics import tasks
from analytics.models import Report, ReportRun
from analytics.reports.definition import SOURCES, definition_validate
from analytics.reports.query import report_query_execute
from analytics.reports.schedules import reports_run_due
from analytics.reports.services import download_url, report_run_execute
from compliance.models import AuditEntry
from mcp_payments.events.models import Event
from payments.models import Payment
from tests.fixtures.timed_payments import customer, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def payments(api):
    c1 = customer(api, name="C1", when="2026-11-10T09:00:00Z")
    pay(
        api,
        token="tok_visa",
        amount=1_234,
        currency="usd",
        customer=c1,
        when="2026-11-10T10:00:00Z",
    )
    pay(
        api,
        token="tok_amex",
        amount=5_005,
        currency="usd",
        customer=c1,
        when="2026-11-10T11:00:00Z",
    )
    pay(
        api,
        token="tok_visa",
        amount=700,
        currency="eur",
        customer=None,
        when="2026-11-11T10:00:00Z",
    )
    pay(
        api,
        token="tok_chargeDeclined",
        amount=99,
        currency="usd",
        customer=None,
        when="2026-11-11T11:00:00Z",
    )
    return c1


def definition(source: str, metrics: list[str], dimensions: list[str], **extra) -> dict:
    body = {
        "name": f"{source} report",
        "source": source,
        "metrics": metrics,
        "dimensions": dimensions,
    }
    if any(SOURCES[source].metrics[m].money for m in metrics) and "currency" not in dimensions:
        body["filters"] = [{"field": "currency", "op": "eq", "value": "usd"}]
    return {**body, **extra}


def create_and_run(api, body: dict) -> dict:
    created = api.post("/api/v1/reports", body, format="json")
    assert created.status_code == 201, created.json()
    run = api.post(f"/api/v1/reports/{created.json()['id']}/run")
    assert run.status_code == 200, run.json()
    assert run.json()["status"] == "succeeded"
    return run.json()


def test_every_source_metric_pair_with_each_dimension_runs(api, merchant, payments):
    """Through the run path's own functions (validation, SQL, shaping) for speed; the HTTP
    path is exercised by the tests below."""
    runs = 0
    today = datetime(2026, 11, 11, tzinfo=UTC).date()
    for name, source in SOURCES.items():
        dimensions = list(source.fields)
        for metric in source.metrics:
            for dimension in [None, *dimensions]:
                body = definition(name, [metric], [dimension] if dimension else [])
                rows = report_query_execute(
                    definition_validate(body),
                    merchant_id=merchant.id,
                    today=today,
                    max_rows=1001,
                    timeout_ms=5000,
                )
                assert isinstance(rows, list) and all(metric in row for row in rows)
                runs += 1
        triple = definition(name, list(source.metrics), dimensions[1:4])
        create_and_run(api, triple)
    assert runs == sum(len(s.metrics) * (len(s.fields) + 1) for s in SOURCES.values())


def test_payments_grouped_by_card_brand_with_exact_amounts_and_csv_round_trip(api, payments):
    body = definition(
        "payments",
        ["count", "gross_volume", "fee_amount"],
        ["currency", "card_brand"],
        filters=[{"field": "status", "op": "eq", "value": "succeeded"}],
        sort=["-gross_volume"],
    )
    run = create_and_run(api, body)

    assert run["row_count"] == 3
    assert run["rows"] == [
        {
            "currency": "usd",
            "card_brand": "amex",
            "count": 1,
            "gross_volume": 5_005,
            "fee_amount": 175,
            "gross_volume_decimal": "50.05",
            "fee_amount_decimal": "1.75",
        },
        {
            "currency": "usd",
            "card_brand": "visa",
            "count": 1,
            "gross_volume": 1_234,
            "fee_amount": 66,
            "gross_volume_decimal": "12.34",
            "fee_amount_decimal": "0.66",
        },
        {
            "currency": "eur",
            "card_brand": "visa",
            "count": 1,
            "gross_volume": 700,
            "fee_amount": 50,
            "gross_volume_decimal": "7.00",
            "fee_amount_decimal": "0.50",
        },
    ]
    download = api.get(f"/api/v1/report_runs/{run['id']}/download")
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    text = download.content.decode()
    assert text.startswith("currency,card_brand,count,gross_volume,fee_amount,")
    assert "\r\n" in text
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [
        (row["currency"], int(row["gross_volume"]), row["gross_volume_decimal"]) for row in parsed
    ] == [
        ("usd", 5_005, "50.05"),
        ("usd", 1_234, "12.34"),
        ("eur", 700, "7.00"),
    ]
    assert run["file"] == {"format": "csv", "size": len(download.content)}


def test_interval_date_range_and_timezone(api, payments):
    body = definition(
        "payments",
        ["count"],
        ["outcome"],
        interval="day",
        timezone="Asia/Kolkata",
        date_range={"type": "absolute", "value": {"from": "2026-11-10", "to": "2026-11-12"}},
    )
    run = create_and_run(api, body)
    assert [(row["period"], row["outcome"], row["count"]) for row in run["rows"]] == [
        ("2026-11-10T00:00:00", "succeeded", 2),
        ("2026-11-11T00:00:00", "declined", 1),
        ("2026-11-11T00:00:00", "succeeded", 1),
    ]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"source": "payments", "metrics": ["count"], "dimensions": ["password"]}, "dimensions[0]"),
        ({"source": "payments", "metrics": ["gross_volume"], "dimensions": []}, "dimensions"),
        ({"source": "users", "metrics": ["count"]}, "source"),
        (
            {"source": "invoices", "metrics": ["count"], "dimensions": ["amount_due"]},
            "dimensions[0]",
        ),
        ({"source": "payments", "metrics": ["sum(amount)"]}, "metrics[0]"),
        (
            {
                "source": "payments",
                "metrics": ["count"],
                "filters": [{"field": "x", "op": "eq", "value": 1}],
            },
            "filters[0][field]",
        ),
        (
            {
                "source": "payments",
                "metrics": ["count"],
                "filters": [{"field": "status", "op": "like", "value": "a"}],
            },
            "filters[0][op]",
        ),
        ({"source": "payments", "metrics": ["count"], "sort": ["amount; drop"]}, "sort[0]"),
        ({"source": "payments", "metrics": ["count"], "interval": "minute"}, "interval"),
        ({"source": "payments", "metrics": ["count"], "timezone": "Mars/Base"}, "timezone"),
        ({"source": "payments", "metrics": ["count"], "limit": 0}, "limit"),
        ({"source": "payments", "metrics": ["count"], "raw_sql": "select 1"}, "raw_sql"),
    ],
)
def test_a_forbidden_definition_is_400_with_param_and_saves_nothing(api, body, param):
    response = api.post("/api/v1/reports", {"name": "x", **body}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
    assert Report.objects.count() == 0
    assert AuditEntry.objects.filter(action="report.created").count() == 0


INJECTIONS = [
    "'; DROP TABLE payments_payment; --",
    "usd' OR '1'='1",
    "1); DELETE FROM payments_payment; --",
    '" OR 1=1 --',
]


def test_injection_through_every_field_changes_nothing(api, payments):
    before = (Payment.objects.count(), Event.objects.count())
    attempts = []
    for text in INJECTIONS:
        attempts += [
            {"name": text, "source": "payments", "metrics": ["count"]},
            {"name": "n", "source": text, "metrics": ["count"]},
            {"name": "n", "source": "payments", "metrics": [text]},
            {"name": "n", "source": "payments", "metrics": ["count"], "dimensions": [text]},
            {
                "name": "n",
                "source": "payments",
                "metrics": ["count"],
                "dimensions": [f"metadata.{text}"],
            },
            {"name": "n", "source": "payments", "metrics": ["count"], "sort": [text]},
            {"name": "n", "source": "payments", "metrics": ["count"], "interval": text},
            {"name": "n", "source": "payments", "metrics": ["count"], "timezone": text},
            {"name": "n", "source": "payments", "metrics": ["count"], "limit": text},
            {
                "name": "n",
                "source": "payments",
                "metrics": ["count"],
                "date_range": {"type": "relative", "value": text},
            },
            {
                "name": "n",
                "source": "payments",
                "metrics": ["count"],
                "filters": [{"field": text, "op": "eq", "value": 1}],
            },
            {
                "name": "n",
                "source": "payments",
                "metrics": ["count"],
                "filters": [{"field": "status", "op": text, "value": 1}],
            },
            {
                "name": "n",
                "source": "payments",
                "metrics": ["count"],
                "filters": [{"field": "status", "op": "eq", "value": text}],
            },
            {
                "name": "n",
                "source": "payments",
                "metrics": ["count"],
                "filters": [{"field": "currency", "op": "in", "value": [text]}],
            },
            {
                "name": "n",
                "source": "payments",
                "metrics": ["count"],
                "filters": [{"field": "metadata.order", "op": "eq", "value": text}],
            },
        ]
    accepted = 0
    for body in attempts:
        response = api.post("/api/v1/reports", body, format="json")
        assert response.status_code in (201, 400), (body, response.json())
        if response.status_code == 201:
            accepted += 1
            run = api.post(f"/api/v1/reports/{response.json()['id']}/run")
            assert run.status_code == 200
            # A value that is only data matches nothing (or, as a name, is just a name).
            assert run.json()["rows"] in ([{"count": 0}], [{"count": 4}])
    assert accepted == len(INJECTIONS) * 4  # name, status value, currency in, metadata value
    assert Payment.objects.count() == before[0]
    assert Event.objects.exclude(type="report_run.succeeded").count() == before[1]


def test_a_large_result_runs_on_the_analytics_queue_and_a_signed_link_expires(
    api, payments, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REPORT_SYNC_MAX_ROWS = 2
    body = definition("payments", ["count"], ["customer", "currency", "status"], limit=100)
    report = api.post("/api/v1/reports", body, format="json").json()
    queued = []
    monkeypatch.setattr(tasks.run_report, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        pending = api.post(f"/api/v1/reports/{report['id']}/run")
    assert pending.status_code == 202
    assert pending.json()["status"] == "pending"
    assert pending.json()["rows"] is None
    assert queued == [pending.json()["id"]]
    assert (
        tasks.run_report.app.amqp.router.route({}, "analytics.tasks.run_report")["queue"].name
        == "analytics"
    )

    run = report_run_execute(run_id=queued[0])
    assert (run.status, run.row_count) == ("succeeded", 3)
    assert Event.objects.filter(type="report_run.succeeded", object_id=run.id).count() == 1
    detail = api.get(f"/api/v1/report_runs/{run.id}").json()
    assert detail["status"] == "succeeded"

    anonymous = api.__class__()
    url = download_url(run).split("/api/v1", 1)[1]
    assert anonymous.get("/api/v1" + url).status_code == 200
    assert anonymous.get(f"/api/v1/report_runs/{run.id}/download?token=forged").status_code == 404
    assert anonymous.get(f"/api/v1/report_runs/{run.id}/download").status_code in (401, 403)
    with time_machine.travel(datetime.now(UTC) + timedelta(days=7, minutes=1)):
        assert anonymous.get("/api/v1" + url).status_code == 404


def test_a_schedule_emails_a_signed_link_and_emits_the_event(
    api, payments, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    body = definition("payments", ["count"], ["status"])
    report = api.post("/api/v1/reports", body, format="json").json()
    bad = api.post(
        f"/api/v1/reports/{report['id']}/schedule", {"frequency": "hourly"}, format="json"
    )
    assert (bad.status_code, bad.json()["error"]["param"]) == (400, "frequency")
    schedule = {
        "frequency": "weekly",
        "hour": 7,
        "day_of_week": 0,
        "timezone": "Europe/Paris",
        "delivery": {"emails": ["ops@example.com"], "webhook": True},
    }
    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=UTC), tick=False):
        scheduled = api.post(f"/api/v1/reports/{report['id']}/schedule", schedule, format="json")
    assert scheduled.status_code == 200, scheduled.json()
    assert scheduled.json()["next_run_at"] == "2026-11-30T06:00:00Z"  # Monday 07:00 Paris

    assert reports_run_due(now=datetime(2026, 11, 30, 5, 59, tzinfo=UTC)) == []
    with django_capture_on_commit_callbacks(execute=True):
        [run] = reports_run_due(now=datetime(2026, 11, 30, 6, 0, tzinfo=UTC))
    assert run.status == "succeeded" and run.scheduled
    assert Report.objects.get(pk=report["id"]).next_run_at == datetime(2026, 12, 7, 6, tzinfo=UTC)
    assert Event.objects.filter(type="report_run.succeeded", object_id=run.id).count() == 1
    [message] = [m for m in mail.outbox if "ops@example.com" in m.to]
    assert f"/api/v1/report_runs/{run.id}/download?token=" in message.body


def test_delete_and_other_merchants(api, payments, other_merchant, client_for):
    report = api.post(
        "/api/v1/reports", definition("payments", ["count"], []), format="json"
    ).json()
    other = client_for(other_merchant)
    assert other.get(f"/api/v1/reports/{report['id']}").status_code == 404
    assert other.post(f"/api/v1/reports/{report['id']}/run").status_code == 404
    assert api.get("/api/v1/reports").json()["data"][0]["id"] == report["id"]
    assert api.delete(f"/api/v1/reports/{report['id']}").json()["deleted"] is True
    assert api.get(f"/api/v1/reports/{report['id']}").status_code == 404
    assert ReportRun.objects.count() == 0


def test_preview_runs_an_unsaved_definition_and_stores_nothing(api, payments):
    body = definition("payments", ["count", "gross_volume"], ["currency"], sort=["currency"])
    before = (AuditEntry.objects.count(), Event.objects.count())

    response = api.post("/api/v1/reports/preview", body, format="json")

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "object": "report_preview",
        "columns": ["currency", "count", "gross_volume", "gross_volume_decimal"],
        "rows": [
            {"currency": "eur", "count": 1, "gross_volume": 700, "gross_volume_decimal": "7.00"},
            {
                "currency": "usd",
                "count": 3,
                "gross_volume": 6_239,
                "gross_volume_decimal": "62.39",
            },
        ],
        "truncated": False,
    }
    assert Report.objects.count() == 0 and ReportRun.objects.count() == 0
    assert (AuditEntry.objects.count(), Event.objects.count()) == before

    refused = api.post(
        "/api/v1/reports/preview",
        {"name": "x", "source": "payments", "metrics": ["gross_volume"]},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["param"] == "dimensions"
