"""MCP tools over the risk engine: list_risk_rules, create_risk_rule (dry run = backtest, nothing
created), test_risk_rule — the same services and errors as REST."""

import pytest

from compliance.models import RiskRule
from mcp_payments.events.models import Event
from realtime.groups import ALERTS, stream_matches

pytestmark = pytest.mark.django_db


def test_create_list_and_test_rules_through_mcp(merchant, agent, call, client_for, pay):
    context = agent(merchant)
    pay("tok_visa", amount=95_000, ip_address="203.0.113.1")
    pay("tok_visa", amount=1_000)
    arguments = {
        "name": "foreign and large",
        "expression": "amount > 90000 and card_country != ip_country",
        "action": "review",
    }

    dry = call(context, "create_risk_rule", {**arguments, "dry_run": True})

    assert dry.is_error is False
    assert dry.body["object"] == "risk_rule_test"
    assert (dry.body["rule"], dry.body["evaluated"], dry.body["matched"]) == (None, 2, 1)
    assert RiskRule.objects.count() == 0

    created = call(context, "create_risk_rule", arguments)
    assert created.is_error is False
    rule = created.body
    rest = client_for(merchant).get(f"/api/v1/risk/rules/{rule['id']}").json()
    assert rest == rule
    listed = call(context, "list_risk_rules", {})
    assert [item["id"] for item in listed.body["data"]] == [rule["id"]]
    tested = call(context, "test_risk_rule", {"id": rule["id"]})
    assert (tested.body["rule"], tested.body["matched"], tested.body["would_review"]) == (
        rule["id"],
        1,
        1,
    )
    assert Event.objects.filter(type="risk.rule_created", object_id=rule["id"]).count() == 1


def test_mcp_refuses_a_bad_expression_like_rest(merchant, agent, call):
    outcome = call(
        agent(merchant),
        "create_risk_rule",
        {"name": "x", "expression": "amount > > 1", "action": "block", "dry_run": True},
    )
    assert outcome.is_error is True
    assert outcome.body["error"]["code"] == "invalid_rule_expression"
    assert outcome.body["error"]["param"] == "expression:9"
    assert RiskRule.objects.count() == 0


def test_alerts_stream_carries_review_and_rule_events():
    for event_type in (
        "risk.review_opened",
        "risk.review_closed",
        "risk.rule_created",
        "risk.rule_updated",
        "risk.rule_deleted",
    ):
        assert stream_matches(ALERTS, event_type)
