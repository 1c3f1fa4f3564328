"""Agent policies in the billing services, so REST gets them as MCP does (BILLING.md §8): the
policy amount of create/update is the larger of the amount due now and the recurring amount per
period after the change; of pay, the invoice's amount_remaining."""

import pytest

from mcp_payments.accounts.services import AgentPolicy
from mcp_payments.agents.models import AgentApproval
from mcp_payments.events.models import Event
from payments.billing.models import Invoice, Subscription
from tests.unit.billing.conftest import ok

pytestmark = pytest.mark.django_db


def test_rest_subscription_above_max_amount_per_call_is_refused_and_leaves_nothing(
    merchant, client_for, catalog, customer
):
    agent = client_for(merchant, policy=AgentPolicy(max_amount_per_call=1000))
    customer_id, method = customer()
    body = {"customer": customer_id, "items": [{"price": catalog(600), "quantity": 2}]}
    response = agent.post(
        "/api/v1/subscriptions", {**body, "default_payment_method": method}, format="json"
    )
    assert response.status_code == 403, response.json()
    assert response.json()["error"]["code"] == "agent_policy_violation"
    assert not Subscription.objects.exists()
    assert not Invoice.objects.exists()
    assert not Event.objects.filter(type__startswith="subscription.").exists()


def test_rest_update_and_pay_above_approval_above_answer_202_pending(
    merchant, api, client_for, catalog, customer
):
    customer_id, method = customer()
    small = catalog(400)
    sub = ok(
        api.post(
            "/api/v1/subscriptions",
            {
                "customer": customer_id,
                "items": [{"price": small}],
                "collection_method": "send_invoice",
                "days_until_due": 5,
            },
            format="json",
        ),
        201,
    )
    agent = client_for(merchant, policy=AgentPolicy(approval_above=500))
    item = sub["items"]["data"][0]["id"]
    update = agent.post(
        f"/api/v1/subscriptions/{sub['id']}",
        {"items": [{"id": item, "quantity": 2}]},
        format="json",
    )
    assert update.status_code == 202, update.json()
    assert (update.json()["operation"], update.json()["amount"]) == ("update_subscription", 800)
    assert ok(api.get(f"/api/v1/subscriptions/{sub['id']}"))["items"]["data"][0]["quantity"] == 1

    big = ok(
        api.post(
            "/api/v1/subscriptions",
            {
                "customer": customer_id,
                "items": [{"price": catalog(900)}],
                "collection_method": "send_invoice",
                "days_until_due": 5,
            },
            format="json",
        ),
        201,
    )
    pay = agent.post(
        f"/api/v1/invoices/{big['latest_invoice']}/pay", {"payment_method": method}, format="json"
    )
    assert pay.status_code == 202, pay.json()
    approval = AgentApproval.objects.get(pk=pay.json()["id"])
    assert (approval.amount, approval.currency) == (900, "usd")
    invoice = Invoice.objects.get(pk=big["latest_invoice"])
    assert (invoice.status, invoice.attempt_count) == ("open", 0)
    small_pay = agent.post(
        f"/api/v1/invoices/{sub['latest_invoice']}/pay", {"payment_method": method}, format="json"
    )
    assert ok(small_pay)["status"] == "paid"
