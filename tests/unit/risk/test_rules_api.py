"""Risk rules through REST and the confirm path: CRUD with events and audit, 400 with a param
pointing into the expression (nothing written), ordered evaluation, block → 402
`blocked_by_rule` with nothing charged, review → a review, and the backtest (hand-built fixture;
a velocity rule's backtest equals its live decisions on a card-testing burst)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import AuditEntry, RiskReview, RiskRule
from mcp_payments.events.models import Event
from payments.models import Dispute, Payment
from wallets.models import JournalEntry

pytestmark = pytest.mark.django_db


def types_of(object_id):
    return list(
        Event.objects.filter(object_id=object_id).order_by("id").values_list("type", flat=True)
    )


def make_rule(api, expression, action="block", **extra):
    body = {"name": f"{action} rule", "expression": expression, "action": action, **extra}
    response = api.post("/api/v1/risk/rules", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_rule_crud_emits_events_and_audits(api, merchant):
    created = make_rule(api, "amount > 90000 and card_country != ip_country", "review")
    assert {k: created[k] for k in ("object", "name", "action", "position", "enabled")} == {
        "object": "risk_rule",
        "name": "review rule",
        "action": "review",
        "position": 0,
        "enabled": True,
    }
    assert created["id"].startswith("rule_")
    second = make_rule(api, "card_velocity_1h >= 3")
    assert second["position"] == 1

    updated = api.post(
        f"/api/v1/risk/rules/{created['id']}", {"enabled": False, "position": 5}, format="json"
    )
    assert updated.status_code == 200
    assert (updated.json()["enabled"], updated.json()["position"]) == (False, 5)
    listed = api.get("/api/v1/risk/rules").json()["data"]
    assert [rule["id"] for rule in listed] == [second["id"], created["id"]]
    assert api.get(f"/api/v1/risk/rules/{created['id']}").json()["enabled"] is False

    deleted = api.delete(f"/api/v1/risk/rules/{created['id']}")
    assert deleted.json() == {"id": created["id"], "object": "risk_rule", "deleted": True}
    assert api.get(f"/api/v1/risk/rules/{created['id']}").status_code == 404
    assert types_of(created["id"]) == [
        "risk.rule_created",
        "risk.rule_updated",
        "risk.rule_deleted",
    ]
    update_event = Event.objects.get(object_id=created["id"], type="risk.rule_updated")
    assert update_event.data["previous_attributes"] == {"enabled": True, "position": 0}
    assert list(
        AuditEntry.objects.filter(object_id=created["id"])
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["risk_rule.created", "risk_rule.updated", "risk_rule.deleted"]


def test_a_bad_expression_is_a_400_pointing_into_it_and_writes_nothing(api):
    before = (RiskRule.objects.count(), Event.objects.count(), AuditEntry.objects.count())
    response = api.post(
        "/api/v1/risk/rules",
        {"name": "x", "expression": "amount > 1 and os.system('x')", "action": "block"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["type"], error["code"], error["param"]) == (
        "invalid_request_error",
        "invalid_rule_expression",
        "expression:17",
    )
    assert error["message"] == "Unexpected character '.'. (at character 17)"
    unknown = api.post(
        "/api/v1/risk/rules",
        {"name": "x", "expression": "amount > 1 or password == 'x'", "action": "block"},
        format="json",
    )
    assert unknown.json()["error"]["param"] == "expression:14"
    bad_action = api.post(
        "/api/v1/risk/rules", {"name": "x", "expression": "true", "action": "eval"}, format="json"
    )
    assert (bad_action.status_code, bad_action.json()["error"]["param"]) == (400, "action")
    rule = make_rule(api, "amount > 1")
    refused = api.post(
        f"/api/v1/risk/rules/{rule['id']}", {"expression": "amount >"}, format="json"
    )
    assert refused.json()["error"]["param"] == "expression:8"
    assert RiskRule.objects.get(pk=rule["id"]).expression == "amount > 1"
    assert (RiskRule.objects.count(), Event.objects.count(), AuditEntry.objects.count()) == (
        before[0] + 1,
        before[1] + 1,
        before[2] + 1,
    )


def test_other_merchants_rules_are_invisible(api, other_merchant, client_for):
    rule = make_rule(api, "amount > 1")
    other = client_for(other_merchant)
    assert other.get(f"/api/v1/risk/rules/{rule['id']}").status_code == 404
    assert other.delete(f"/api/v1/risk/rules/{rule['id']}").status_code == 404
    assert other.get("/api/v1/risk/rules").json()["data"] == []


def test_a_block_rule_declines_with_blocked_by_rule_and_charges_nothing(api, pay):
    rule = make_rule(api, "amount >= 20000 and card_funding == 'prepaid'")
    entries_before = JournalEntry.objects.count()

    response = pay("tok_mastercard_prepaid", amount=25_000)

    assert response.status_code == 402
    error = response.json()["error"]
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error",
        "payment_blocked",
        "blocked_by_rule",
    )
    payment = Payment.objects.get(pk=error["payment"]["id"])
    assert payment.status == "requires_payment_method"
    assert (payment.provider_charge_id, payment.amount_received, payment.fee) == (None, 0, 0)
    assert payment.risk["rule"] == rule["id"]
    assert payment.risk["action"] == "block"
    assert payment.risk["level"] == "highest"
    assert JournalEntry.objects.count() == entries_before
    assert types_of(payment.id) == ["payment.created", "payment.failed"]
    # The same card under the threshold, and another card over it, pass.
    assert pay("tok_mastercard_prepaid", amount=19_999).status_code == 201
    assert pay("tok_visa", amount=25_000).status_code == 201


def test_rules_are_evaluated_in_order_first_match_decides(api, pay):
    block = make_rule(api, "amount > 1000", "block", position=2)
    allow = make_rule(api, "metadata['vip'] == 'yes'", "allow", position=1)
    review = make_rule(api, "card_country == 'GB'", "review", position=0)

    vip = pay("tok_visa", amount=5_000, metadata={"vip": "yes"})
    assert vip.status_code == 201
    assert (vip.json()["risk"]["rule"], vip.json()["risk"]["level"]) == (allow["id"], "normal")

    reviewed = pay("tok_gb", amount=5_000, metadata={"vip": "yes"})
    assert reviewed.status_code == 201
    assert reviewed.json()["risk"]["rule"] == review["id"]
    assert RiskReview.objects.get(object_id=reviewed.json()["id"]).rules == [review["id"]]

    blocked = pay("tok_visa", amount=5_000)
    assert blocked.json()["error"]["payment"]["risk"]["rule"] == block["id"]
    assert pay("tok_visa", amount=1_000).status_code == 201  # no rule matches

    api.post(f"/api/v1/risk/rules/{block['id']}", {"enabled": False}, format="json")
    assert pay("tok_visa", amount=5_000).status_code == 201


def test_ip_address_and_card_attributes_reach_the_rules(api, pay):
    rule = make_rule(api, "card_country != ip_country and ip_country == 'NG'")
    blocked = pay("tok_visa", amount=1_000, ip_address="203.0.113.9")
    assert blocked.status_code == 402
    assert blocked.json()["error"]["payment"]["ip_address"] == "203.0.113.9"
    assert blocked.json()["error"]["payment"]["risk"]["rule"] == rule["id"]
    assert pay("tok_visa", amount=1_000, ip_address="192.0.2.1").status_code == 201
    assert pay("tok_ng", amount=1_000, ip_address="203.0.113.9").status_code == 201
    bad_ip = pay("tok_visa", amount=1_000, ip_address="999.1.1.1")
    assert (bad_ip.status_code, bad_ip.json()["error"]["param"]) == (400, "ip_address")


def test_backtest_equals_live_decisions_on_a_card_testing_burst(api, pay, card):
    rule = make_rule(api, "card_velocity_1h >= 3", "block")
    method = card("tok_visa")
    outcomes = [
        api.post(
            "/api/v1/payments",
            {"amount": 100 + i, "currency": "usd", "payment_method": method, "confirm": True},
            format="json",
        ).status_code
        for i in range(7)
    ]
    assert outcomes == [201, 201, 201, 402, 402, 402, 402]
    pay("tok_mastercard", amount=500)  # another card: never matched

    result = api.post(f"/api/v1/risk/rules/{rule['id']}/test").json()

    assert result["object"] == "risk_rule_test"
    assert (result["rule"], result["evaluated"], result["matched"], result["would_block"]) == (
        rule["id"],
        8,
        4,
        4,
    )
    live_blocked = set(Payment.objects.filter(risk__rule=rule["id"]).values_list("id", flat=True))
    assert set(result["payments"]) == live_blocked
    assert result["matched_amount"] == {"usd": 103 + 104 + 105 + 106}


def test_backtest_counts_fraud_on_a_hand_built_fixture(api, pay, merchant):
    paid = [pay("tok_visa", amount=amount).json() for amount in (50_000, 60_000, 70_000, 1_000)]
    old = pay("tok_visa", amount=80_000).json()
    Payment.objects.filter(pk=old["id"]).update(created=timezone.now() - timedelta(days=31))
    now = timezone.now()
    for payment_id, reason in ((paid[0]["id"], "fraudulent"), (paid[3]["id"], "fraudulent")):
        Dispute.objects.create(
            merchant=merchant,
            payment_id=payment_id,
            amount=1,
            fee=0,
            currency="usd",
            status="needs_response",
            reason=reason,
            created=now,
            updated=now,
        )
    RiskReview.objects.create(
        merchant_id=merchant.id, object_id=paid[1]["id"], score=60, status="rejected"
    )
    rule = make_rule(api, "amount >= 55000", "review")

    result = api.post(f"/api/v1/risk/rules/{rule['id']}/test").json()

    assert {
        key: result[key]
        for key in ("evaluated", "matched", "would_review", "would_block", "matched_fraud")
    } == {"evaluated": 4, "matched": 2, "would_review": 2, "would_block": 0, "matched_fraud": 1}
    assert result["fraud_total"] == 3
    assert sorted(result["payments"]) == sorted([paid[1]["id"], paid[2]["id"]])
    assert result["matched_amount"] == {"usd": 130_000}
