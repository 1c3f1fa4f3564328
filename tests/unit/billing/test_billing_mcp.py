"""Billing MCP tools through the same path as the transports (run_tool), as real agent keys."""

import pytest

from compliance.models import AuditEntry
from mcp_payments.agents.models import AgentApproval
from mcp_payments.events.models import Event
from payments.billing.models import Invoice, InvoiceItem, Subscription
from tests.unit.billing.conftest import ok
from tests.unit.mcp.conftest import agent, call  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_product_price_and_subscription_through_tools(merchant, agent, call, customer):  # noqa: F811
    key = agent(merchant)
    product = call(key, "create_product", {"name": "Pro"})
    assert product.status == "ok", product.body
    price = call(
        key,
        "create_price",
        {
            "product": product.body["id"],
            "currency": "usd",
            "unit_amount": 2500,
            "recurring": {"interval": "month"},
        },
    )
    assert price.status == "ok", price.body
    assert price.body["recurring"]["interval"] == "month"
    customer_id, method = customer()
    sub = call(
        key,
        "create_subscription",
        {
            "customer": customer_id,
            "items": [{"price": price.body["id"]}],
            "default_payment_method": method,
        },
    )
    assert sub.status == "ok", sub.body
    assert sub.body["status"] == "active"
    listed = call(key, "list_invoices", {"subscription": sub.body["id"]})
    assert [(i["status"], i["amount_paid"]) for i in listed.body["data"]] == [("paid", 2500)]
    assert call(key, "list_products", {}).body["data"][0]["id"] == product.body["id"]


def test_subscription_above_max_amount_per_call_is_refused_and_creates_nothing(
    merchant,
    agent,  # noqa: F811
    call,  # noqa: F811
    catalog,
    customer,
):
    key = agent(merchant, max_amount_per_call=1000)
    price = catalog(1500)
    customer_id, method = customer()
    outcome = call(
        key,
        "create_subscription",
        {"customer": customer_id, "items": [{"price": price}], "default_payment_method": method},
    )
    assert outcome.status == "error"
    assert outcome.body["error"]["code"] == "agent_policy_violation"
    assert not Subscription.objects.exists()
    assert not Invoice.objects.exists()
    assert not Event.objects.filter(type__startswith="subscription.").exists()


def test_update_dry_run_returns_the_upcoming_preview_and_changes_nothing(
    api,
    merchant,
    agent,  # noqa: F811
    call,  # noqa: F811
    catalog,
    customer,
    subscribe,
):
    key = agent(merchant)
    customer_id, method = customer()
    sub = ok(subscribe(customer_id, catalog(1000), method), 201)
    bigger = catalog(3000)
    item = sub["items"]["data"][0]["id"]
    preview = ok(
        api.get(
            "/api/v1/invoices/upcoming",
            {"subscription": sub["id"], "items[0][id]": item, "items[0][price]": bigger},
        )
    )
    events, audits = Event.objects.count(), AuditEntry.objects.count()

    outcome = call(
        key,
        "update_subscription",
        {
            "id": sub["id"],
            "items": [{"id": item, "price": bigger}],
            "proration_date": preview["proration_date"],
            "dry_run": True,
        },
    )

    assert outcome.status == "dry_run", outcome.body
    assert outcome.body["would_create"] == preview
    assert outcome.body["postings"] == []
    assert preview["lines"]["data"][-1]["amount"] == 3000
    # nothing changed: items, pending items, events; only the tool-call audit row is new
    assert ok(api.get(f"/api/v1/subscriptions/{sub['id']}"))["items"] == sub["items"]
    assert not InvoiceItem.objects.exists()
    assert Event.objects.count() == events
    assert AuditEntry.objects.count() == audits + 1


def test_pay_invoice_above_approval_above_waits_for_approval(
    merchant,
    agent,  # noqa: F811
    call,  # noqa: F811
    catalog,
    customer,
    subscribe,
):
    key = agent(merchant, approval_above=500)
    customer_id, method = customer()
    sub = ok(
        subscribe(customer_id, catalog(1000), collection_method="send_invoice", days_until_due=30),
        201,
    )
    invoice_id = sub["latest_invoice"]
    assert Invoice.objects.get(pk=invoice_id).status == "open"

    outcome = call(key, "pay_invoice", {"id": invoice_id, "payment_method": method})

    assert outcome.status == "pending_approval"
    approval = AgentApproval.objects.get(pk=outcome.body["approval"])
    assert (approval.tool, approval.amount, approval.currency) == ("pay_invoice", 1000, "usd")
    invoice = Invoice.objects.get(pk=invoice_id)
    assert (invoice.status, invoice.attempt_count, invoice.amount_paid) == ("open", 0, 0)
