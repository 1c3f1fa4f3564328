"""Refunds, disputes, settlement, balances and top-ups through the HTTP API."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from compliance.models import Alert
from mcp_payments.events.models import Event
from payments.models import Dispute, Payment, Refund
from payments.tasks import (
    daily_settlement_report,
    decide_sandbox_dispute,
    open_sandbox_dispute,
    settle_balances,
)
from tests.fixtures.ledger import balance_of
from wallets.models import Wallet

pytestmark = pytest.mark.django_db


def balance(api):
    body = api.get("/api/v1/balance").json()
    return (
        {b["currency"]: b["amount"] for b in body["available"]},
        {b["currency"]: b["amount"] for b in body["pending"]},
    )


def ledger_ok():
    out = StringIO()
    call_command("ledger_verify", stdout=out)
    return json.loads(out.getvalue())["ok"]


def test_partial_and_multiple_refunds_up_to_what_was_received(pay, api):
    payment = pay("tok_visa", amount=10_000).json()
    first = api.post("/api/v1/refunds", {"payment": payment["id"], "amount": 3_000}, format="json")
    assert first.status_code == 201
    refund = first.json()
    assert (refund["object"], refund["status"], refund["amount"]) == ("refund", "succeeded", 3_000)
    assert sorted(Event.objects.filter(object_id=refund["id"]).values_list("type", flat=True)) == [
        "refund.created",
        "refund.succeeded",
    ]
    too_much = api.post(
        "/api/v1/refunds", {"payment": payment["id"], "amount": 7_001}, format="json"
    )
    assert too_much.status_code == 400
    assert too_much.json()["error"]["code"] == "amount_too_large"
    rest = api.post("/api/v1/refunds", {"payment": payment["id"]}, format="json").json()
    assert rest["amount"] == 7_000
    assert api.get(f"/api/v1/payments/{payment['id']}").json()["amount_refunded"] == 10_000
    none_left = api.post("/api/v1/refunds", {"payment": payment["id"]}, format="json")
    assert none_left.status_code == 409
    assert none_left.json()["error"]["code"] == "payment_not_refundable"
    listed = api.get(f"/api/v1/refunds?payment={payment['id']}").json()["data"]
    assert [r["amount"] for r in listed] == [7_000, 3_000]
    assert api.get(f"/api/v1/refunds/{rest['id']}").json() == rest
    # The fee is not returned: available = -(refunds) until settlement moves the net.
    available, pending = balance(api)
    assert (available["usd"], pending["usd"]) == (-10_000, 9_680)
    assert ledger_ok()


def test_refund_of_an_unpaid_payment_is_refused(api, pay):
    declined = pay("tok_chargeDeclined").json()["error"]["payment"]
    response = api.post("/api/v1/refunds", {"payment": declined["id"]}, format="json")
    assert response.status_code == 409
    assert not Refund.objects.exists()
    assert api.post("/api/v1/refunds", {"payment": "pay_x"}, format="json").status_code == 404


def test_settlement_moves_the_net_from_pending_to_available(pay, api, time_machine):
    time_machine.move_to("2026-04-01T00:00:00Z")
    pay("tok_visa", amount=10_000)
    assert settle_balances.apply().get() == 0
    time_machine.move_to("2026-04-03T00:00:01Z")
    assert settle_balances.apply().get() == 1
    assert balance(api) == ({"usd": 9_680}, {"usd": 0})
    assert settle_balances.apply().get() == 0
    settled = Event.objects.get(type="payment.settled")
    assert settled.object_id == Payment.objects.get().id
    assert settled.data["object"]["status"] == "succeeded"
    rows = api.get("/api/v1/balance_transactions").json()["data"]
    assert [(r["type"], r["available_amount"], r["pending_amount"]) for r in rows] == [
        ("payment_settlement", 9_680, -9_680),
        ("payment_capture", 0, 9_680),
    ]
    assert ledger_ok()


def test_dispute_reserves_funds_and_is_won_with_evidence(
    pay, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        payment = pay("tok_createDispute", amount=5_000).json()
    assert payment["status"] == "succeeded"
    assert callbacks, "the sandbox schedules the dispute after commit"
    dispute_id = open_sandbox_dispute.apply(args=[payment["id"]]).get()
    assert open_sandbox_dispute.apply(args=[payment["id"]]).get() is None
    dispute = api.get(f"/api/v1/disputes/{dispute_id}").json()
    assert (dispute["status"], dispute["amount"], dispute["fee"]) == (
        "needs_response",
        5_000,
        1_500,
    )
    available, _ = balance(api)
    assert available["usd"] == -6_500
    updated = api.post(
        f"/api/v1/disputes/{dispute_id}",
        {"evidence": {"customer_communication": "winning_evidence: signed delivery"}},
        format="json",
    )
    assert updated.json()["status"] == "under_review"
    assert decide_sandbox_dispute.apply(args=[dispute_id]).get() == "won"
    available, _ = balance(api)
    assert available["usd"] == -1_500  # the fee is kept
    assert [
        e
        for e in Event.objects.filter(object_id=dispute_id)
        .order_by("id")
        .values_list("type", flat=True)
    ] == ["dispute.created", "dispute.updated", "dispute.closed"]
    closed = api.post(f"/api/v1/disputes/{dispute_id}/close")
    assert closed.status_code == 409
    assert ledger_ok()


def test_accepting_a_dispute_loses_it(pay, api):
    payment = pay("tok_createDispute", amount=5_000).json()
    dispute_id = open_sandbox_dispute.apply(args=[payment["id"]]).get()
    lost = api.post(f"/api/v1/disputes/{dispute_id}/close")
    assert lost.status_code == 200
    assert lost.json()["status"] == "lost"
    assert Dispute.objects.get(pk=dispute_id).closed_at is not None
    assert [d["id"] for d in api.get("/api/v1/disputes?status=lost").json()["data"]] == [dispute_id]
    assert ledger_ok()


def test_wallet_top_up_credits_the_wallet_and_charges_the_fee_to_the_merchant(api, card):
    wallet = api.post("/api/v1/wallets", {"currency": "usd"}, format="json").json()
    response = api.post(
        f"/api/v1/wallets/{wallet['id']}/top_ups",
        {"amount": 5_000, "payment_method": card("tok_visa")},
        format="json",
    )
    assert response.status_code == 201
    payment = response.json()
    assert (payment["wallet"], payment["status"], payment["fee"]) == (
        wallet["id"],
        "succeeded",
        175,
    )
    assert balance_of(Wallet.objects.get(pk=wallet["id"])) == (5_000, 0)
    assert balance(api)[0]["usd"] == -175
    declined = api.post(
        f"/api/v1/wallets/{wallet['id']}/top_ups",
        {"amount": 5_000, "payment_method": card("tok_chargeDeclined")},
        format="json",
    )
    assert declined.status_code == 402
    assert balance_of(Wallet.objects.get(pk=wallet["id"])) == (5_000, 0)
    refund = api.post("/api/v1/refunds", {"payment": payment["id"], "amount": 1_000}, format="json")
    assert refund.status_code == 201
    assert balance_of(Wallet.objects.get(pk=wallet["id"])) == (4_000, 0)
    assert ledger_ok()


def test_refund_of_a_spent_top_up_is_refused_and_the_provider_is_not_asked(api, card):
    source = api.post("/api/v1/wallets", {"currency": "usd"}, format="json").json()
    sink = api.post("/api/v1/wallets", {"currency": "usd"}, format="json").json()
    payment = api.post(
        f"/api/v1/wallets/{source['id']}/top_ups",
        {"amount": 1_000, "payment_method": card()},
        format="json",
    ).json()
    api.post(
        "/api/v1/transfers",
        {
            "source_wallet": source["id"],
            "destination_wallet": sink["id"],
            "amount": 900,
            "currency": "usd",
        },
        format="json",
    )
    refused = api.post("/api/v1/refunds", {"payment": payment["id"]}, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "insufficient_funds"
    assert not Refund.objects.exists()
    assert Payment.objects.get(pk=payment["id"]).amount_refunded == 0


def test_daily_settlement_report_is_clean_then_detects_a_gap(pay, time_machine):
    time_machine.move_to("2031-06-01T12:00:00Z")
    payment = pay("tok_visa", amount=1_000).json()
    assert daily_settlement_report.apply(args=["2031-06-01"]).get() == {
        "day": "2031-06-01",
        "ok": True,
        "mismatched": [],
    }
    # Given our books lost a capture the provider made:
    Payment.objects.filter(pk=payment["id"]).update(captured_at="2031-05-31T12:00:00Z")
    report = daily_settlement_report.apply(args=["2031-06-01"]).get()
    assert report["mismatched"] == ["usd"]
    alert = Alert.objects.get(kind="settlement_mismatch")
    assert alert.details["provider"] == 1_000
    assert alert.details["ledger"] == 0


def test_payment_methods_store_card_metadata_only(api, merchant):
    customer = api.post("/api/v1/customers", {"name": "Ada"}, format="json").json()
    created = api.post(
        "/api/v1/payment_methods",
        {"type": "card", "card": {"token": "tok_mastercard"}, "customer": customer["id"]},
        format="json",
    )
    assert created.status_code == 201
    method = created.json()
    assert method["card"]["brand"] == "mastercard"
    assert method["card"]["last4"] == "4444"
    assert len(method["card"]["fingerprint"]) == 16
    listed = api.get(f"/api/v1/payment_methods?customer={customer['id']}").json()["data"]
    assert [m["id"] for m in listed] == [method["id"]]
    detached = api.post(f"/api/v1/payment_methods/{method['id']}/detach")
    assert detached.json()["detached"] is True
    assert api.get(f"/api/v1/payment_methods?customer={customer['id']}").json()["data"] == []
    twice = api.post(f"/api/v1/payment_methods/{method['id']}/detach")
    assert twice.status_code == 409
    assert twice.json()["error"] == {
        "type": "conflict_error",
        "code": "payment_method_detached",
        "message": "This payment method is already detached.",
        "param": "id",
    }
    bad = api.post(
        "/api/v1/payment_methods", {"type": "card", "card": {"token": "tok_nope"}}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "card[token]"
