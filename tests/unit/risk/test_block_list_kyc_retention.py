"""Block lists (REST, expiry, soft removal, events, audit), KYC limits in the payment and
payout services, and the data-retention job (redacts only what is due; money history intact)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import (
    AuditEntry,
    BlockListEntry,
    RetentionPolicy,
    RetentionRedaction,
    RiskRule,
)
from compliance.services.retention import retention_run
from compliance.tasks import data_retention
from mcp_payments.events.models import Event
from payments.models import Customer, Payment
from tests.fixtures.ledger import fund_wallet
from wallets.models import Payout, Wallet

pytestmark = pytest.mark.django_db


def test_block_list_rest_blocks_then_unblocks(api, pay, card):
    before = Event.objects.count()
    created = api.post(
        "/api/v1/risk/block_list",
        {"kind": "ip", "value": "198.51.100.7", "reason": "chargebacks"},
        format="json",
    )
    assert created.status_code == 201
    entry = created.json()
    assert entry["id"].startswith("bl_")
    assert (entry["object"], entry["kind"], entry["value"], entry["deleted"]) == (
        "block_list_entry",
        "ip",
        "198.51.100.7",
        False,
    )
    blocked = pay("tok_visa", amount=1_000, ip_address="198.51.100.7")
    assert blocked.status_code == 402
    error = blocked.json()["error"]
    assert error["decline_code"] == "highest_risk_level"
    assert "block_list" in error["payment"]["risk"]["rules"]
    assert [e["id"] for e in api.get("/api/v1/risk/block_list").json()["data"]] == [entry["id"]]

    removed = api.delete(f"/api/v1/risk/block_list/{entry['id']}")
    assert removed.json()["deleted"] is True
    assert api.delete(f"/api/v1/risk/block_list/{entry['id']}").status_code == 404
    assert api.get("/api/v1/risk/block_list").json()["data"] == []
    assert pay("tok_visa", amount=1_000, ip_address="198.51.100.7").status_code == 201
    assert list(
        Event.objects.filter(object_id=entry["id"]).order_by("id").values_list("type", flat=True)
    ) == ["risk.block_list_entry_created", "risk.block_list_entry_deleted"]
    assert list(
        AuditEntry.objects.filter(object_id=entry["id"])
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["block_list.added", "block_list.removed"]
    assert Event.objects.count() > before


def test_email_domain_and_expiry(api, pay, card):
    customer = api.post("/api/v1/customers", {"email": "Mallory@Evil.Example"}, format="json")
    customer_id = customer.json()["id"]
    api.post(
        "/api/v1/risk/block_list", {"kind": "email_domain", "value": "EVIL.example"}, format="json"
    )
    method = card("tok_visa", customer=customer_id)
    body = {
        "amount": 1_000,
        "currency": "usd",
        "payment_method": method,
        "customer": customer_id,
        "confirm": True,
    }
    assert api.post("/api/v1/payments", body, format="json").status_code == 402

    expired = BlockListEntry.objects.create(
        kind="fingerprint", value="x" * 16, merchant_id=None, expires_at=timezone.now()
    )
    assert expired.id.startswith("bl_")
    past = api.post(
        "/api/v1/risk/block_list",
        {"kind": "email", "value": "a@b.co", "expires_at": "2001-01-01T00:00:00Z"},
        format="json",
    )
    assert (past.status_code, past.json()["error"]["param"]) == (400, "expires_at")
    bad = api.post("/api/v1/risk/block_list", {"kind": "ip", "value": "nope"}, format="json")
    assert (bad.status_code, bad.json()["error"]["param"]) == (400, "value")
    kind = api.post("/api/v1/risk/block_list", {"kind": "phone", "value": "1"}, format="json")
    assert (kind.status_code, kind.json()["error"]["param"]) == (400, "kind")


def _customer(api, email="kyc@example.com"):
    return api.post("/api/v1/customers", {"email": email}, format="json").json()["id"]


def test_kyc_limits_apply_to_payments(api, card, merchant, settings):
    settings.KYC_LIMITS = {"unverified": 10_000, "pending": 50_000, "verified": None, "rejected": 0}
    customer_id = _customer(api)
    method = card("tok_visa", customer=customer_id)

    def pay_as_customer(amount):
        return api.post(
            "/api/v1/payments",
            {
                "amount": amount,
                "currency": "usd",
                "payment_method": method,
                "customer": customer_id,
                "confirm": True,
            },
            format="json",
        )

    counts = (Payment.objects.count(), Event.objects.count(), AuditEntry.objects.count())
    refused = pay_as_customer(10_001)
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert (error["type"], error["code"], error["param"]) == (
        "permission_error",
        "kyc_limit_exceeded",
        "amount",
    )
    assert (Payment.objects.count(), Event.objects.count(), AuditEntry.objects.count()) == counts
    assert pay_as_customer(10_000).status_code == 201

    set_kyc = api.post(f"/api/v1/customers/{customer_id}/kyc", {"status": "pending"}, format="json")
    assert set_kyc.status_code == 200
    assert (set_kyc.json()["object"], set_kyc.json()["status"]) == ("customer_kyc", "pending")
    assert pay_as_customer(50_000).status_code == 201
    assert pay_as_customer(50_001).status_code == 403
    api.post(f"/api/v1/customers/{customer_id}/kyc", {"status": "verified"}, format="json")
    assert pay_as_customer(900_000).status_code == 201
    api.post(f"/api/v1/customers/{customer_id}/kyc", {"status": "rejected"}, format="json")
    assert pay_as_customer(1).status_code == 403
    assert list(
        AuditEntry.objects.filter(action="customer.kyc_updated")
        .order_by("seq")
        .values_list("after", flat=True)
    ) == [{"kyc_status": "pending"}, {"kyc_status": "verified"}, {"kyc_status": "rejected"}]
    bad = api.post(f"/api/v1/customers/{customer_id}/kyc", {"status": "ok"}, format="json")
    assert (bad.status_code, bad.json()["error"]["param"]) == (400, "status")


def test_kyc_needs_risk_write_and_own_customer(merchant, other_merchant, member_client, api):
    customer_id = _customer(api)
    finance = member_client(merchant, role="finance")
    assert (
        finance.post(f"/api/v1/customers/{customer_id}/kyc", {"status": "verified"}).status_code
        == 403
    )
    compliance = member_client(merchant, role="compliance")
    assert (
        compliance.post(
            f"/api/v1/customers/{customer_id}/kyc", {"status": "verified"}, format="json"
        ).status_code
        == 200
    )
    other = member_client(other_merchant, role="admin")
    assert (
        other.post(
            f"/api/v1/customers/{customer_id}/kyc", {"status": "verified"}, format="json"
        ).status_code
        == 404
    )


def test_kyc_limits_apply_to_payouts_from_a_customer_wallet(api, merchant, settings):
    settings.KYC_LIMITS = {"unverified": 5_000, "pending": 50_000, "verified": None, "rejected": 0}
    customer_id = _customer(api)
    wallet = api.post(
        "/api/v1/wallets", {"currency": "usd", "customer": customer_id}, format="json"
    ).json()
    fund_wallet(Wallet.objects.get(pk=wallet["id"]), 100_000)
    body = {
        "amount": 6_000,
        "currency": "usd",
        "destination": "btok_success",
        "wallet": wallet["id"],
    }
    refused = api.post("/api/v1/payouts", body, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "kyc_limit_exceeded"
    assert Payout.objects.count() == 0
    api.post(f"/api/v1/customers/{customer_id}/kyc", {"status": "verified"}, format="json")
    assert api.post("/api/v1/payouts", body, format="json").status_code == 201


def test_retention_redacts_only_what_is_due_and_keeps_money_history(api, pay, card, merchant):
    RetentionPolicy.objects.create(merchant_id=merchant.id, retention_days=30)
    stale = _customer(api, "stale@example.com")
    active = _customer(api, "active@example.com")
    erased = _customer(api, "erased@example.com")
    recent_erased = _customer(api, "recent@example.com")
    payments = {}
    for customer_id in (stale, active):
        method = card("tok_visa", customer=customer_id)
        response = api.post(
            "/api/v1/payments",
            {
                "amount": 2_000,
                "currency": "usd",
                "payment_method": method,
                "customer": customer_id,
                "confirm": True,
                "ip_address": "192.0.2.5",
            },
            format="json",
        )
        payments[customer_id] = response.json()["id"]
    api.delete(f"/api/v1/customers/{erased}")
    api.delete(f"/api/v1/customers/{recent_erased}")
    long_ago = timezone.now() - timedelta(days=40)
    Customer.objects.filter(pk__in=[stale, erased]).update(updated=long_ago)
    Customer.objects.filter(pk=erased).update(deleted_at=long_ago)
    Payment.objects.filter(pk=payments[stale]).update(created=long_ago)

    assert data_retention.apply().get() == 2

    stale_row = Customer.objects.get(pk=stale)
    assert (stale_row.email, stale_row.name, stale_row.metadata) == (None, None, {})
    assert Customer.objects.get(pk=active).email == "active@example.com"
    stale_payment = Payment.objects.get(pk=payments[stale])
    assert stale_payment.ip_address is None
    assert (stale_payment.amount, stale_payment.amount_received, stale_payment.status) == (
        2_000,
        2_000,
        "succeeded",
    )
    assert stale_payment.capture_entry_id is not None
    assert Payment.objects.get(pk=payments[active]).ip_address == "192.0.2.5"
    assert dict(RetentionRedaction.objects.values_list("customer_id", "reason")) == {
        stale: "inactive",
        erased: "erased",
    }
    assert AuditEntry.objects.filter(action="customer.retention_redacted").count() == 2
    assert retention_run() == 0  # nothing twice


def test_data_retention_report_lists_redacted_and_due_customers(
    api, merchant, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    RetentionPolicy.objects.create(merchant_id=merchant.id, retention_days=10)
    done = _customer(api, "done@example.com")
    due = _customer(api, "due@example.com")
    _customer(api, "fresh@example.com")
    Customer.objects.filter(pk=done).update(updated=timezone.now() - timedelta(days=20))
    retention_run()
    Customer.objects.filter(pk=due).update(updated=timezone.now() - timedelta(days=20))
    today = timezone.now().date()

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/compliance/reports",
            {
                "kind": "data_retention",
                "period_start": str(today),
                "period_end": str(today + timedelta(days=1)),
            },
            format="json",
        )
    assert response.status_code == 202, response.json()
    report_id = response.json()["id"]
    report = api.get(f"/api/v1/compliance/reports/{report_id}").json()
    assert (report["kind"], report["status"], report["row_count"]) == (
        "data_retention",
        "succeeded",
        2,
    )
    download = api.get(f"/api/v1/compliance/reports/{report_id}/download")
    lines = download.content.decode().splitlines()
    assert lines[0] == "customer,merchant,reason,state,redacted_at,fields,payments_redacted"
    assert lines[1].startswith(f"{done},{merchant.id},inactive,redacted,")
    assert lines[2] == f"{due},{merchant.id},inactive,due,,,"
    assert len(lines) == 3
    assert Customer.objects.get(pk=due).email == "due@example.com"  # the report changes nothing


def test_rules_and_kyc_through_the_admin(admin_client, merchant, api):
    added = admin_client.post(
        "/admin/compliance/riskrule/add/",
        {
            "merchant_id": merchant.id,
            "name": "big",
            "expression": "amount > 90000",
            "action": "review",
            "position": "0",
            "enabled": "on",
        },
    )
    assert added.status_code == 302
    rule = RiskRule.objects.get()
    assert (rule.merchant_id, rule.expression, rule.action) == (
        merchant.id,
        "amount > 90000",
        "review",
    )
    assert Event.objects.filter(type="risk.rule_created", object_id=rule.id).count() == 1
    refused = admin_client.post(
        "/admin/compliance/riskrule/add/",
        {
            "merchant_id": merchant.id,
            "name": "bad",
            "expression": "amount >",
            "action": "block",
            "position": "1",
        },
    )
    assert refused.status_code == 200
    assert "(at character 8)" in refused.content.decode()
    assert RiskRule.objects.count() == 1
    admin_client.post(
        "/admin/compliance/riskrule/",
        {"action": "delete_selected", "_selected_action": [rule.id], "post": "yes"},
    )
    assert RiskRule.objects.count() == 0
    assert Event.objects.filter(type="risk.rule_deleted", object_id=rule.id).count() == 1

    customer_id = _customer(api)
    kyc = admin_client.post(
        "/admin/compliance/customerkyc/add/",
        {"customer_id": customer_id, "merchant_id": merchant.id, "status": "verified"},
    )
    assert kyc.status_code == 302
    assert AuditEntry.objects.filter(action="customer.kyc_updated", object_id=customer_id).exists()
