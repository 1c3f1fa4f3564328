"""Regulatory reports through the API: thresholds per currency (payments and transfers), the
suspicious-activity worksheet with its evidence events, downloads in CSV and JSON, audit rows,
the beat schedule and refusals that change nothing."""

import csv
import io
import json
from datetime import UTC, timedelta

import pytest

from compliance.models import Alert, AuditEntry, ComplianceReport
from compliance.reports.services import compliance_reports_schedule_daily
from compliance.tasks import generate_compliance_report
from mcp_payments.events.models import Event
from mcp_payments.events.processing import deliver
from tests.fixtures.ledger import fund_wallet
from tests.fixtures.timed_payments import at, customer, pay, published_events
from wallets import ledger
from wallets.models import Wallet

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


def request_report(api, django_capture_on_commit_callbacks, **body) -> dict:
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/compliance/reports", body, format="json")
    assert response.status_code == 202, response.json()
    return api.get(f"/api/v1/compliance/reports/{response.json()['id']}").json()


def test_large_transactions_use_each_currencys_threshold(
    api, merchant, django_capture_on_commit_callbacks
):
    c = customer(api, name="C", when="2026-11-10T08:00:00Z")
    at_usd = pay(
        api,
        token="tok_visa",
        amount=1_000_000,
        currency="usd",
        customer=c,
        when="2026-11-10T09:00:00Z",
    )
    pay(
        api,
        token="tok_mastercard",
        amount=999_999,
        currency="usd",
        customer=c,
        when="2026-11-10T09:10:00Z",
    )
    pay(
        api,
        token="tok_amex",
        amount=1_200_000,
        currency="jpy",
        customer=c,
        when="2026-11-10T09:20:00Z",
    )
    at_jpy = pay(
        api,
        token="tok_visa",
        amount=1_500_000,
        currency="jpy",
        customer=c,
        when="2026-11-10T09:30:00Z",
    )
    pay(
        api,
        token="tok_visa",
        amount=2_000_000,
        currency="usd",
        customer=c,
        when="2026-11-11T09:00:00Z",
    )  # outside the period
    with at("2026-11-10T10:00:00Z"):
        source = api.post("/api/v1/wallets", {"currency": "eur"}, format="json").json()
        target = api.post("/api/v1/wallets", {"currency": "eur"}, format="json").json()
        fund_wallet(Wallet.objects.get(pk=source["id"]), 3_000_000)
        transfer = api.post(
            "/api/v1/transfers",
            {
                "source_wallet": source["id"],
                "destination_wallet": target["id"],
                "amount": 1_000_000,
                "currency": "eur",
            },
            format="json",
        ).json()
        api.post(
            "/api/v1/transfers",
            {
                "source_wallet": source["id"],
                "destination_wallet": target["id"],
                "amount": 999_999,
                "currency": "eur",
            },
            format="json",
        )

    report = request_report(
        api,
        django_capture_on_commit_callbacks,
        kind="large_transactions",
        period_start="2026-11-10",
        period_end="2026-11-11",
    )

    assert (report["status"], report["row_count"]) == ("succeeded", 3)
    assert report["parameters"]["thresholds"] == {"jpy": 1_500_000, "default": 1_000_000}
    body = api.get(f"/api/v1/compliance/reports/{report['id']}/download?format=json").json()
    assert [
        (r["type"], r["id"], r["currency"], r["amount"], r["amount_decimal"], r["threshold"])
        for r in body["rows"]
    ] == [
        ("payment", at_usd["id"], "usd", 1_000_000, "10000.00", 1_000_000),
        ("payment", at_jpy["id"], "jpy", 1_500_000, "1500000", 1_500_000),
        ("transfer", transfer["id"], "eur", 1_000_000, "10000.00", 1_000_000),
    ]
    download = api.get(f"/api/v1/compliance/reports/{report['id']}/download")
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert [int(row["amount"]) for row in rows] == [1_000_000, 1_500_000, 1_000_000]
    actions = list(
        AuditEntry.objects.filter(object_id=report["id"])
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "compliance_report.requested",
        "compliance_report.generated",
        "compliance_report.downloaded",
        "compliance_report.downloaded",
    ]


def test_suspicious_activity_lists_aml_alerts_with_their_evidence_events(
    api, merchant, django_capture_on_commit_callbacks
):
    c = customer(api, name="C", when="2026-11-10T08:00:00Z")
    large = pay(
        api,
        token="tok_visa",
        amount=1_100_000,
        currency="usd",
        customer=c,
        when="2026-11-10T09:00:00Z",
    )
    for event in published_events(merchant.id):
        if event["type"] == "payment.succeeded":
            with at("2026-11-10T09:00:01Z"):
                assert deliver("compliance", event) == []
    alert = Alert.objects.get(kind="large_transaction")
    evidence = Event.objects.get(type="payment.succeeded", object_id=large["id"])

    opened = alert.created.astimezone(UTC).date()  # alerts carry the database's clock
    report = request_report(
        api,
        django_capture_on_commit_callbacks,
        kind="suspicious_activity",
        period_start=opened.isoformat(),
        period_end=(opened + timedelta(days=1)).isoformat(),
    )

    body = json.loads(
        api.get(f"/api/v1/compliance/reports/{report['id']}/download?format=json").content
    )
    [row] = body["rows"]
    assert (row["alert"], row["kind"], row["status"], row["subject"]) == (
        alert.id,
        "large_transaction",
        "open",
        large["id"],
    )
    assert (row["amount"], row["currency"], row["evidence_events"]) == (
        1_100_000,
        "usd",
        evidence.id,
    )


def test_refusals_change_nothing_and_data_retention_waits_for_the_retention_job(api):
    before = AuditEntry.objects.count()
    cases = [
        (
            {"kind": "data_retention", "period_start": "2026-11-10", "period_end": "2026-11-11"},
            "kind",
        ),
        ({"kind": "tax_report", "period_start": "2026-11-10", "period_end": "2026-11-11"}, "kind"),
        (
            {"kind": "audit_export", "period_start": "2026-11-11", "period_end": "2026-11-10"},
            "period_start",
        ),
        (
            {"kind": "audit_export", "period_start": "yesterday", "period_end": "2026-11-10"},
            "period_start",
        ),
        (
            {"kind": "audit_export", "period_start": "2024-01-01", "period_end": "2026-01-01"},
            "period_end",
        ),
    ]
    for body, param in cases:
        response = api.post("/api/v1/compliance/reports", body, format="json")
        assert (response.status_code, response.json()["error"]["param"]) == (400, param)
    assert ComplianceReport.objects.count() == 0
    assert AuditEntry.objects.count() == before
    assert api.get("/api/v1/compliance/reports/crpt_missing").status_code == 404


def test_beat_requests_yesterdays_platform_reports_once(django_capture_on_commit_callbacks):
    from datetime import date

    with django_capture_on_commit_callbacks(execute=True):
        first = compliance_reports_schedule_daily(day=date(2026, 11, 10))
    again = compliance_reports_schedule_daily(day=date(2026, 11, 10))
    assert sorted(report.kind for report in first) == [
        "audit_export",
        "large_transactions",
        "suspicious_activity",
    ]
    assert again == []
    assert set(ComplianceReport.objects.values_list("status", "merchant_id")) == {
        ("succeeded", None)
    }
    assert generate_compliance_report.run(first[0].id) == "succeeded"  # idempotent
