"""The billing back office: pages render with lines and timelines; actions go through the
services and are audited."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from compliance.models import AuditEntry
from payments.billing.models import DunningSettings, Invoice, TestClock
from tests.unit.billing.conftest import ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    user = get_user_model().objects.create_user("billing-ops", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def _action(admin_client, model, action, ids):
    return admin_client.post(
        f"/admin/billing/{model}/", {"action": action, "_selected_action": ids}
    )


def test_invoice_and_subscription_pages_and_actions(
    admin_client, api, merchant, catalog, customer, subscribe
):
    customer_id, method = customer()
    sub = ok(subscribe(customer_id, catalog(1500), method), 201)
    page = admin_client.get(f"/admin/billing/subscription/{sub['id']}/change/")
    assert page.status_code == 200
    assert "subscription.created" in page.content.decode()
    invoice_id = sub["latest_invoice"]
    page = admin_client.get(f"/admin/billing/invoice/{invoice_id}/change/")
    assert page.status_code == 200
    assert "invoice.paid" in page.content.decode()
    for model in ("product", "price", "coupon", "testclock", "dunningsettings"):
        assert admin_client.get(f"/admin/billing/{model}/").status_code == 200

    ok(
        api.post(
            "/api/v1/invoice_items",
            {"customer": customer_id, "amount": 900, "currency": "usd"},
            format="json",
        ),
        201,
    )
    draft = ok(api.post("/api/v1/invoices", {"customer": customer_id}, format="json"), 201)
    assert _action(admin_client, "invoice", "finalize", [draft["id"]]).status_code == 302
    assert _action(admin_client, "invoice", "pay_out_of_band", [draft["id"]]).status_code == 302
    invoice = Invoice.objects.get(pk=draft["id"])
    assert (invoice.status, invoice.paid_out_of_band) == ("paid", True)
    audit = AuditEntry.objects.filter(object_id=draft["id"]).order_by("id").last()
    assert (audit.action, audit.actor_type) == ("invoice.paid_out_of_band", "user")

    assert _action(admin_client, "subscription", "cancel_now", [sub["id"]]).status_code == 302
    assert ok(api.get(f"/api/v1/subscriptions/{sub['id']}"))["status"] == "canceled"


def test_dunning_settings_and_test_clock_advance(admin_client, api, merchant, settings):
    settings.BILLING_TEST_CLOCK_INLINE = True
    response = admin_client.post(
        "/admin/billing/dunningsettings/add/",
        {
            "merchant": merchant.id,
            "retry_days": "[2, 5]",
            "subscription_action": "mark_unpaid",
            "invoice_action": "leave_open",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = DunningSettings.objects.get(merchant=merchant)
    assert (row.retry_days, row.subscription_action) == ([2, 5], "mark_unpaid")

    clock = ok(
        api.post("/api/v1/test_clocks", {"frozen_time": "2026-05-01T00:00:00Z"}, format="json"), 201
    )
    assert _action(admin_client, "testclock", "advance_month", [clock["id"]]).status_code == 302
    refreshed = TestClock.objects.get(pk=clock["id"])
    assert (refreshed.frozen_time.isoformat(), refreshed.status) == (
        "2026-06-01T00:00:00+00:00",
        "ready",
    )
