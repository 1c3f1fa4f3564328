"""Compliance and webhook tools through `run_tool`."""

import pytest
from django.db import transaction

from compliance.alerts import alert_open
from notifications.models import WebhookDelivery
from notifications.subscribers import webhooks

pytestmark = pytest.mark.django_db


def test_list_compliance_alerts(merchant, agent, call):
    alert = alert_open(
        kind="aml_structuring",
        severity="high",
        dedupe_key="mcp-test",
        merchant_id=merchant.id,
        object_id="cus_x",
    )
    outcome = call(agent(merchant), "list_compliance_alerts", {"status": "open"})
    assert [a["id"] for a in outcome.body["data"]] == [alert.id]


def test_verify_audit_log_is_for_platform_staff(merchant, agent, call, staff_user):
    from mcp_payments.accounts.selectors import user_context

    refused = call(agent(merchant), "verify_audit_log", {})
    assert refused.is_error
    outcome = call(user_context(staff_user), "verify_audit_log", {})
    assert outcome.status == "ok"
    assert outcome.body["ok"] is True


def test_webhook_deliveries_are_listed_and_retried(
    merchant, agent, call, api, django_capture_on_commit_callbacks
):
    endpoint = api.post(
        "/api/v1/webhook_endpoints",
        {"url": "http://127.0.0.1:9/hook", "enabled_events": ["*"]},
        format="json",
    ).json()
    api.post("/api/v1/customers", {"name": "Ada"}, format="json")
    event = api.get("/api/v1/events?type=customer.created").json()["data"][0]
    with django_capture_on_commit_callbacks(), transaction.atomic():
        webhooks([event])  # what the notifications consumer runs for this event
    delivery = WebhookDelivery.objects.get()
    context = agent(merchant)
    listed = call(context, "list_webhook_deliveries", {"webhook_endpoint": endpoint["id"]})
    assert [d["id"] for d in listed.body["data"]] == [delivery.id]
    retried = call(context, "retry_webhook_delivery", {"id": delivery.id})
    assert retried.status == "ok"
    assert len(retried.body["attempts"]) == 1  # nothing listens on port 9: a failed attempt
    missing = call(context, "retry_webhook_delivery", {"id": "whd_missing"})
    assert missing.body["error"]["code"] == "resource_missing"
