"""Compliance alerts over the API: listed per merchant, resolved once, with event and audit."""

import pytest

from compliance.alerts import alert_open
from compliance.models import AuditEntry
from mcp_payments.events.models import Event

pytestmark = pytest.mark.django_db


def open_alert(merchant_id, key="k1"):
    return alert_open(
        kind="aml_large_transaction",
        severity="high",
        dedupe_key=key,
        merchant_id=merchant_id,
        object_id="pay_x",
        details={"amount": 2_000_000},
    )


def test_alerts_are_listed_per_merchant_and_resolved_once(
    merchant, other_merchant, api, client_for
):
    mine = open_alert(merchant.id)
    open_alert(other_merchant.id, key="k2")
    listed = api.get("/api/v1/compliance/alerts?status=open").json()["data"]
    assert [a["id"] for a in listed] == [mine.id]
    assert listed[0]["object"] == "compliance_alert"
    assert (
        client_for(other_merchant).post(f"/api/v1/compliance/alerts/{mine.id}/resolve").status_code
        == 404
    )
    resolved = api.post(
        f"/api/v1/compliance/alerts/{mine.id}/resolve", {"note": "customer verified"}, format="json"
    )
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    assert Event.objects.filter(type="compliance.alert_resolved", object_id=mine.id).count() == 1
    audit = AuditEntry.objects.get(action="compliance.alert_resolved")
    assert audit.after == {"status": "resolved", "note": "customer verified"}
    again = api.post(f"/api/v1/compliance/alerts/{mine.id}/resolve")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "alert_already_resolved"
    assert api.get("/api/v1/compliance/alerts?status=open").json()["data"] == []
