"""Back office: compliance reports, report runs and drift reports are listed and downloadable."""

import pytest
from django.test import Client

from analytics.models import DriftReport
from compliance.models import AuditEntry
from compliance.reports.services import compliance_report_generate, compliance_report_request
from mcp_payments.accounts.context import system_context

pytestmark = pytest.mark.django_db


def test_staff_list_and_download_a_compliance_report_audited(staff_user):
    report = compliance_report_request(
        context=system_context(),
        kind="suspicious_activity",
        period_start="2026-11-01",
        period_end="2026-11-02",
    )
    compliance_report_generate(report_id=report.id)
    client = Client()
    client.force_login(staff_user)

    listing = client.get("/admin/compliance/compliancereport/")
    detail = client.get(f"/admin/compliance/compliancereport/{report.id}/change/")
    download = client.get(f"/admin/compliance/compliancereport/{report.id}/download/?format=csv")

    assert listing.status_code == 200 and report.id in listing.content.decode()
    assert detail.status_code == 200
    assert download.content.decode().startswith("alert,kind,severity,status,")
    entry = AuditEntry.objects.get(object_id=report.id, action="compliance_report.downloaded")
    assert (entry.actor_type, entry.actor_id) == ("user", f"user:{staff_user.pk}")


def test_staff_see_drift_reports_and_report_runs(staff_user):
    DriftReport.objects.create(
        start="2026-11-01T00:00:00Z", end="2026-11-04T00:00:00Z", drift=[], drift_count=0
    )
    client = Client()
    client.force_login(staff_user)
    for url in (
        "/admin/analytics/driftreport/",
        "/admin/analytics/report/",
        "/admin/analytics/reportrun/",
    ):
        assert client.get(url).status_code == 200, url
