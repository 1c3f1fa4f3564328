"""Payment, refund, dispute, top-up and risk tools through `run_tool`: the same services and
representations as REST, with agent policy, dry runs and derived idempotency."""

import pytest

from compliance.models import AuditEntry
from mcp_payments.events.models import Event
from payments.models import Payment, Refund
from payments.services.payment_methods import payment_method_create
from payments.tasks import open_sandbox_dispute
from tests.fixtures.ledger import balance_of
from wallets.models import JournalEntry, Wallet

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(merchant, agent):
    def make(token="tok_visa"):
        return payment_method_create(context=agent(merchant), token=token).id

    return make


def pay(call, context, card, amount=5_000, **extra):
    arguments = {
        "amount": amount,
        "currency": "usd",
        "payment_method": card(),
        "confirm": True,
        **extra,
    }
    return call(context, "create_payment", arguments)


def test_create_payment_charges_and_rest_sees_it(merchant, agent, call, card, client_for):
    outcome = pay(call, agent(merchant), card)
    assert outcome.status == "ok"
    payment = outcome.body
    assert (payment["object"], payment["status"], payment["fee"]) == ("payment", "succeeded", 175)
    assert client_for(merchant).get(f"/api/v1/payments/{payment['id']}").json() == payment
    got = call(agent(merchant), "get_payment", {"id": payment["id"]})
    assert got.body == payment
    listed = call(agent(merchant), "list_payments", {"status": "succeeded"})
    assert [p["id"] for p in listed.body["data"]] == [payment["id"]]


def test_a_decline_is_a_card_error_with_the_payment(merchant, agent, call):
    context = agent(merchant)
    method = payment_method_create(context=context, token="tok_chargeDeclined").id
    outcome = call(
        context,
        "create_payment",
        {"amount": 100, "currency": "usd", "payment_method": method, "confirm": True},
    )
    assert outcome.is_error
    error = outcome.body["error"]
    assert (error["type"], error["decline_code"]) == ("card_error", "generic_decline")
    assert error["payment"]["status"] == "requires_payment_method"


def test_a_retried_identical_call_charges_once(merchant, agent, call, card):
    context = agent(merchant)
    arguments = {
        "amount": 900,
        "currency": "usd",
        "payment_method": card(),
        "confirm": True,
    }
    first = call(context, "create_payment", arguments)
    second = call(context, "create_payment", arguments)
    assert second.body == first.body
    assert second.replayed is True
    assert Payment.objects.count() == 1


def test_dry_run_payment_changes_nothing(merchant, agent, call, card):
    context = agent(merchant)
    method = card()
    events, entries, audits = (
        Event.objects.count(),
        JournalEntry.objects.count(),
        AuditEntry.objects.exclude(action="mcp.tool_called").count(),
    )
    outcome = call(
        context,
        "create_payment",
        {
            "amount": 10_000,
            "currency": "usd",
            "payment_method": method,
            "confirm": True,
            "dry_run": True,
        },
    )
    assert outcome.status == "dry_run"
    assert outcome.body["would_create"]["status"] == "succeeded"
    assert outcome.body["fee"] == 320
    assert sorted(p["amount"] for p in outcome.body["postings"]) == [-9_680, -320, 10_000]
    assert not Payment.objects.exists()
    assert (
        Event.objects.count(),
        JournalEntry.objects.count(),
        AuditEntry.objects.exclude(action="mcp.tool_called").count(),
    ) == (events, entries, audits)


def test_payment_above_the_approval_threshold_waits_for_staff(merchant, agent, call, card):
    context = agent(merchant, approval_above=1_000)
    outcome = pay(call, context, card, amount=5_000)
    assert outcome.status == "pending_approval"
    assert outcome.body["approval"].startswith("appr_")
    assert not Payment.objects.exists()


def test_capture_cancel_refund_and_lists(merchant, agent, call, card):
    context = agent(merchant)
    authorized = pay(call, context, card, amount=4_000, capture_method="manual").body
    captured = call(
        context, "capture_payment", {"id": authorized["id"], "amount_to_capture": 3_000}
    )
    assert (captured.body["status"], captured.body["amount_received"]) == ("succeeded", 3_000)
    other = pay(call, context, card, amount=1_000, capture_method="manual").body
    canceled = call(context, "cancel_payment", {"id": other["id"]})
    assert canceled.body["status"] == "canceled"
    refund = call(context, "create_refund", {"payment": authorized["id"], "amount": 1_000})
    assert (refund.body["object"], refund.body["amount"]) == ("refund", 1_000)
    rest = call(context, "create_refund", {"payment": authorized["id"]})
    assert rest.body["amount"] == 2_000
    assert Refund.objects.count() == 2
    listed = call(context, "list_refunds", {"payment": authorized["id"]})
    assert [r["amount"] for r in listed.body["data"]] == [2_000, 1_000]
    too_much = call(context, "create_refund", {"payment": authorized["id"], "amount": 1})
    assert too_much.body["error"]["code"] == "payment_not_refundable"


def test_refunds_respect_max_amount_per_call(merchant, agent, call, card):
    payment = pay(call, agent(merchant), card, amount=5_000).body
    limited = agent(merchant, max_amount_per_call=1_000)
    refused = call(limited, "create_refund", {"payment": payment["id"]})
    assert refused.is_error
    assert not Refund.objects.exists()
    allowed = call(limited, "create_refund", {"payment": payment["id"], "amount": 1_000})
    assert allowed.status == "ok"


def test_dispute_evidence_and_risk_reviews(merchant, agent, call):
    context = agent(merchant)
    method = payment_method_create(context=context, token="tok_createDispute").id
    payment = call(
        context,
        "create_payment",
        {"amount": 2_000, "currency": "usd", "payment_method": method, "confirm": True},
    ).body
    dispute_id = open_sandbox_dispute.apply(args=[payment["id"]]).get()
    listed = call(context, "list_disputes", {"status": "needs_response"})
    assert [d["id"] for d in listed.body["data"]] == [dispute_id]
    updated = call(context, "update_dispute", {"id": dispute_id, "evidence": {"note": "shipped"}})
    assert updated.body["status"] == "under_review"
    big = payment_method_create(context=context, token="tok_visa").id
    call(
        context,
        "create_payment",
        {"amount": 600_000, "currency": "usd", "payment_method": big, "confirm": True},
    )
    reviews = call(context, "list_risk_reviews", {"status": "open"})
    assert len(reviews.body["data"]) == 1


def test_top_up_wallet_credits_it(merchant, agent, call, card):
    context = agent(merchant)
    wallet = call(context, "create_wallet", {"currency": "usd"}).body
    outcome = call(
        context, "top_up_wallet", {"id": wallet["id"], "amount": 2_500, "payment_method": card()}
    )
    assert (outcome.body["wallet"], outcome.body["status"]) == (wallet["id"], "succeeded")
    assert balance_of(Wallet.objects.get(pk=wallet["id"])) == (2_500, 0)


def test_read_only_key_cannot_pay(merchant, agent, call, card):
    outcome = pay(call, agent(merchant, read_only=True), card)
    assert outcome.is_error
    assert not Payment.objects.exists()
