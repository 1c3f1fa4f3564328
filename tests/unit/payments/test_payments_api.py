"""Payments through the HTTP API: every sandbox token's outcome and every transition."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from compliance.models import AuditEntry, RiskReview
from mcp_payments.events.models import Event
from payments.models import Payment
from wallets.ledger import platform_account
from wallets.models import JournalEntry
from wallets.selectors import account_balance

pytestmark = pytest.mark.django_db


def events_of(object_id):
    return list(
        Event.objects.filter(object_id=object_id).order_by("id").values_list("type", flat=True)
    )


def assert_ledger_clean():
    out = StringIO()
    call_command("ledger_verify", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True


def test_tok_visa_succeeds_with_fee_net_and_one_balanced_capture_entry(pay, merchant):
    response = pay("tok_visa", amount=10_000)
    assert response.status_code == 201
    payment = response.json()
    assert payment["object"] == "payment"
    assert payment["id"].startswith("pay_")
    assert payment["status"] == "succeeded"
    assert (payment["amount_received"], payment["amount_capturable"]) == (10_000, 0)
    # 2.9% of 10,000 = 290, + 30 fixed.
    assert (payment["fee"], payment["net"]) == (320, 9_680)
    assert payment["risk"]["level"] == "normal"
    assert events_of(payment["id"]) == ["payment.created", "payment.captured", "payment.succeeded"]
    entry = JournalEntry.objects.get(reference_id=payment["id"])
    assert sorted(p.amount for p in entry.postings.all()) == [-9_680, -320, 10_000]
    assert account_balance(platform_account("provider_clearing", "usd")).balance == 10_000
    assert AuditEntry.objects.get(object_id=payment["id"]).action == "payment.captured"
    assert_ledger_clean()


@pytest.mark.parametrize("token", ["tok_mastercard", "tok_amex"])
def test_other_good_cards_succeed(pay, token):
    assert pay(token).json()["status"] == "succeeded"


@pytest.mark.parametrize(
    ("token", "decline_code"),
    [
        ("tok_chargeDeclined", "generic_decline"),
        ("tok_chargeDeclinedInsufficientFunds", "insufficient_funds"),
        ("tok_chargeDeclinedFraudulent", "fraudulent"),
        ("tok_chargeDeclinedExpiredCard", "expired_card"),
    ],
)
def test_declines_answer_402_with_the_payment_and_book_nothing(pay, token, decline_code):
    response = pay(token)
    assert response.status_code == 402
    error = response.json()["error"]
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error",
        "card_declined",
        decline_code,
    )
    payment = error["payment"]
    assert payment["status"] == "requires_payment_method"
    assert payment["last_payment_error"]["decline_code"] == decline_code
    assert events_of(payment["id"]) == ["payment.created", "payment.failed"]
    assert not JournalEntry.objects.filter(reference_id=payment["id"]).exists()
    stored = Payment.objects.get(pk=payment["id"])
    assert (stored.amount_received, stored.fee) == (0, 0)


def test_a_declined_payment_can_be_retried_with_another_card(pay, api, card):
    declined = pay("tok_chargeDeclined").json()["error"]["payment"]
    retried = api.post(
        f"/api/v1/payments/{declined['id']}/confirm",
        {"payment_method": card("tok_visa")},
        format="json",
    )
    assert retried.status_code == 200
    assert retried.json()["status"] == "succeeded"
    assert retried.json()["last_payment_error"] is None


def test_three_d_secure_then_succeed_or_fail(pay, api):
    challenged = pay("tok_threeDSecureRequired")
    assert challenged.status_code == 201
    payment = challenged.json()
    assert payment["status"] == "requires_action"
    assert (
        payment["next_action"]["redirect_to_url"]["url"] == f"/api/v1/sandbox/3ds/{payment['id']}"
    )
    passed = api.post(f"/api/v1/sandbox/3ds/{payment['id']}", {"result": "succeed"}, format="json")
    assert passed.status_code == 200
    assert passed.json()["status"] == "succeeded"
    assert passed.json()["next_action"] is None
    again = api.post(f"/api/v1/sandbox/3ds/{payment['id']}", {"result": "succeed"}, format="json")
    assert again.status_code == 409

    other = pay("tok_threeDSecureRequired").json()
    failed = api.post(f"/api/v1/sandbox/3ds/{other['id']}", {"result": "fail"}, format="json")
    assert failed.status_code == 402
    assert failed.json()["error"]["decline_code"] == "authentication_required"
    assert events_of(other["id"]) == [
        "payment.created",
        "payment.requires_action",
        "payment.failed",
    ]


def test_highest_risk_is_blocked_before_the_provider(pay):
    response = pay("tok_riskLevelHighest")
    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "payment_blocked"
    payment = error["payment"]
    assert payment["risk"]["level"] == "highest"
    assert "provider_risk_highest" in payment["risk"]["rules"]
    assert Payment.objects.get(pk=payment["id"]).provider_charge_id is None


def test_elevated_risk_passes_and_opens_a_review(pay):
    payment = pay("tok_visa", amount=600_000).json()
    assert payment["status"] == "succeeded"
    assert payment["risk"]["level"] == "elevated"
    review = RiskReview.objects.get(object_id=payment["id"])
    assert review.status == "open"
    assert (review.score, review.rules) == (50, ["large_amount"])
    assert Event.objects.filter(type="risk.review_opened", object_id=review.id).exists()


def test_processing_error_is_402_and_retryable(pay):
    response = pay("tok_processingError")
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "processing_error"
    assert response.json()["error"]["payment"]["status"] == "requires_payment_method"


def test_timeout_leaves_the_payment_processing_until_reconciliation(pay, settings):
    from payments.tasks import reconcile_processing

    response = pay("tok_timeout", amount=5_000)
    assert response.status_code == 201
    payment = response.json()
    assert payment["status"] == "processing"
    assert events_of(payment["id"]) == ["payment.created", "payment.processing"]
    settings.RECONCILE_AFTER_SECONDS = 0
    assert reconcile_processing.apply().get() == 1
    resolved = Payment.objects.get(pk=payment["id"])
    assert (resolved.status, resolved.amount_received) == ("succeeded", 5_000)
    assert JournalEntry.objects.filter(reference_id=payment["id"]).count() == 1
    assert reconcile_processing.apply().get() == 0
    assert_ledger_clean()


def test_manual_capture_partial_releases_the_rest(pay, api):
    payment = pay("tok_visa", amount=10_000, capture_method="manual").json()
    assert (payment["status"], payment["amount_capturable"]) == ("requires_capture", 10_000)
    too_much = api.post(
        f"/api/v1/payments/{payment['id']}/capture", {"amount_to_capture": 10_001}, format="json"
    )
    assert too_much.status_code == 400
    assert too_much.json()["error"]["param"] == "amount_to_capture"
    captured = api.post(
        f"/api/v1/payments/{payment['id']}/capture", {"amount_to_capture": 6_000}, format="json"
    )
    assert captured.status_code == 200
    body = captured.json()
    assert (body["status"], body["amount_received"], body["amount_capturable"]) == (
        "succeeded",
        6_000,
        0,
    )
    assert body["fee"] == 204  # 174 + 30
    twice = api.post(f"/api/v1/payments/{payment['id']}/capture", {}, format="json")
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "payment_not_capturable"
    cancel = api.post(f"/api/v1/payments/{payment['id']}/cancel", {}, format="json")
    assert cancel.status_code == 409
    assert cancel.json()["error"]["code"] == "payment_not_cancelable"


def test_cancel_an_authorization_and_an_unconfirmed_payment(pay, api):
    authorized = pay("tok_visa", capture_method="manual").json()
    canceled = api.post(f"/api/v1/payments/{authorized['id']}/cancel", {}, format="json")
    assert canceled.status_code == 200
    assert (canceled.json()["status"], canceled.json()["cancellation_reason"]) == (
        "canceled",
        "requested_by_customer",
    )
    draft = api.post("/api/v1/payments", {"amount": 100, "currency": "usd"}, format="json").json()
    assert draft["status"] == "requires_payment_method"
    assert api.post(f"/api/v1/payments/{draft['id']}/cancel", {}, format="json").status_code == 200
    confirm = api.post(f"/api/v1/payments/{draft['id']}/confirm", {}, format="json")
    assert confirm.status_code == 409
    assert confirm.json()["error"]["code"] == "payment_unexpected_state"


def test_create_then_confirm_in_two_steps(api, card):
    created = api.post(
        "/api/v1/payments",
        {"amount": 2_500, "currency": "eur", "payment_method": card()},
        format="json",
    ).json()
    assert created["status"] == "requires_confirmation"
    confirmed = api.post(f"/api/v1/payments/{created['id']}/confirm", {}, format="json")
    assert confirmed.json()["status"] == "succeeded"
    no_method = api.post("/api/v1/payments", {"amount": 1, "currency": "usd"}, format="json").json()
    refused = api.post(f"/api/v1/payments/{no_method['id']}/confirm", {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "payment_method_required"


def test_expired_authorizations_are_canceled_by_the_beat_job(pay, time_machine):
    from payments.tasks import expire_authorizations

    time_machine.move_to("2026-02-01T00:00:00Z")
    payment = pay("tok_visa", capture_method="manual").json()
    time_machine.move_to("2026-02-08T01:00:00Z")  # 7 days + an hour: pay() may take seconds
    assert expire_authorizations.apply().get() == 1
    stored = Payment.objects.get(pk=payment["id"])
    assert (stored.status, stored.cancellation_reason) == ("canceled", "expired")


def test_payment_input_errors(api, card, other_merchant, client_for):
    assert (
        api.post("/api/v1/payments", {"amount": "100", "currency": "usd"}, format="json").json()[
            "error"
        ]["param"]
        == "amount"
    )
    unknown_pm = api.post(
        "/api/v1/payments",
        {"amount": 100, "currency": "usd", "payment_method": "pm_nope", "confirm": True},
        format="json",
    )
    assert unknown_pm.status_code == 404
    assert unknown_pm.json()["error"]["param"] == "payment_method"
    foreign = client_for(other_merchant).post(
        "/api/v1/payments",
        {"amount": 100, "currency": "usd", "payment_method": card(), "confirm": True},
        format="json",
    )
    assert foreign.status_code == 404
    confirm_without = api.post(
        "/api/v1/payments", {"amount": 100, "currency": "usd", "confirm": True}, format="json"
    )
    assert confirm_without.json()["error"]["code"] == "payment_method_required"
    assert not Payment.objects.exists()


def test_payments_are_listed_filtered_and_tenant_scoped(pay, api, other_merchant, client_for):
    succeeded = pay("tok_visa").json()
    declined = pay("tok_chargeDeclined").json()["error"]["payment"]
    listed = api.get("/api/v1/payments").json()["data"]
    assert [p["id"] for p in listed] == [declined["id"], succeeded["id"]]
    only = api.get("/api/v1/payments?status=succeeded").json()["data"]
    assert [p["id"] for p in only] == [succeeded["id"]]
    other = client_for(other_merchant)
    assert other.get("/api/v1/payments").json()["data"] == []
    assert other.get(f"/api/v1/payments/{succeeded['id']}").status_code == 404
    assert api.get(f"/api/v1/payments/{succeeded['id']}").json()["id"] == succeeded["id"]


def test_confirm_is_idempotent_with_a_key(api, card):
    body = {"amount": 700, "currency": "usd", "payment_method": card(), "confirm": True}
    first = api.post("/api/v1/payments", body, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    second = api.post("/api/v1/payments", body, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1
    assert JournalEntry.objects.filter(kind="payment_capture").count() == 1
    declined_body = {**body, "payment_method": card("tok_chargeDeclined")}
    d1 = api.post("/api/v1/payments", declined_body, format="json", HTTP_IDEMPOTENCY_KEY="p2")
    d2 = api.post("/api/v1/payments", declined_body, format="json", HTTP_IDEMPOTENCY_KEY="p2")
    assert d1.status_code == d2.status_code == 402
    assert d2.json() == d1.json()
    assert Payment.objects.count() == 2
