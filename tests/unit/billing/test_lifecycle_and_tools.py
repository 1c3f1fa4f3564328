"""Trials, incomplete expiry, cancel at period end, catalog updates and lists, invoice actions,
the remaining MCP tools and the Celery task entry points."""

from datetime import UTC, datetime

import pytest

from mcp_payments.events.models import Event
from payments.billing import tasks
from payments.billing.models import Invoice, Subscription, TestClock
from tests.unit.billing.conftest import ok
from tests.unit.mcp.conftest import agent, call  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

T0 = "2026-06-01T00:00:00Z"


def _sub(api, catalog, clock, customer, token="tok_visa", **extra):
    test_clock = clock(T0)
    customer_id, method = customer(clock=test_clock["id"], token=token)
    body = {"customer": customer_id, "items": [{"price": catalog(2000)}], **extra}
    if method:
        body["default_payment_method"] = method
    return test_clock, customer_id, api.post("/api/v1/subscriptions", body, format="json")


@pytest.mark.parametrize(
    ("behavior", "status"),
    [("cancel", "canceled"), ("pause", "paused"), ("create_invoice", "active")],
)
def test_trial_end_without_a_payment_method(
    api, catalog, clock, customer, advance, behavior, status
):
    test_clock, _, response = _sub(
        api,
        catalog,
        clock,
        customer,
        token=None,
        trial_period_days=7,
        trial_settings={"end_behavior": {"missing_payment_method": behavior}},
    )
    sub = ok(response, 201)
    assert sub["status"] == "trialing"
    advance(test_clock["id"], "2026-06-09T00:00:00Z")
    assert ok(api.get(f"/api/v1/subscriptions/{sub['id']}"))["status"] == status
    assert Event.objects.filter(object_id=sub["id"], type="subscription.trial_will_end").exists()


def test_trial_with_a_card_converts_and_trial_end_now_ends_it(
    api, catalog, clock, customer, advance
):
    _, _, response = _sub(api, catalog, clock, customer, trial_period_days=14)
    sub = ok(response, 201)
    body = ok(api.post(f"/api/v1/subscriptions/{sub['id']}", {"trial_end": "now"}, format="json"))
    assert body["status"] == "active"
    assert body["trial_end"] == T0
    renewal = Invoice.objects.get(subscription_id=sub["id"], billing_reason="subscription_cycle")
    assert (renewal.status, renewal.amount_paid) == ("paid", 2000)


def test_declined_first_invoice_is_incomplete_then_expires(api, catalog, clock, customer, advance):
    test_clock, _, response = _sub(api, catalog, clock, customer, token="tok_chargeDeclined")
    sub = ok(response, 201)
    assert sub["status"] == "incomplete"
    advance(test_clock["id"], "2026-06-02T00:00:00Z")
    body = ok(api.get(f"/api/v1/subscriptions/{sub['id']}"))
    assert body["status"] == "incomplete_expired"
    assert Invoice.objects.get(pk=sub["latest_invoice"]).status == "void"


def test_cancel_at_period_end_and_clock_rules(api, catalog, clock, customer, advance):
    test_clock, _, response = _sub(api, catalog, clock, customer)
    sub = ok(response, 201)
    body = ok(
        api.post(
            f"/api/v1/subscriptions/{sub['id']}/cancel", {"at_period_end": True}, format="json"
        )
    )
    assert (body["status"], body["cancel_at_period_end"]) == ("active", True)
    too_far = api.post(
        f"/api/v1/test_clocks/{test_clock['id']}/advance",
        {"frozen_time": "2026-12-01T00:00:00Z"},
        format="json",
    )
    assert too_far.json()["error"]["code"] == "test_clock_advance_invalid"
    backwards = api.post(
        f"/api/v1/test_clocks/{test_clock['id']}/advance", {"frozen_time": 0}, format="json"
    )
    assert backwards.status_code == 400
    advance(test_clock["id"], "2026-07-02T00:00:00Z")
    body = ok(api.get(f"/api/v1/subscriptions/{sub['id']}"))
    assert (body["status"], body["ended_at"]) == ("canceled", "2026-07-01T00:00:00Z")
    assert ok(api.get(f"/api/v1/test_clocks/{test_clock['id']}"))["status"] == "ready"
    assert ok(api.get("/api/v1/test_clocks"))["data"][0]["id"] == test_clock["id"]
    deleted = ok(api.delete(f"/api/v1/test_clocks/{test_clock['id']}"))
    assert deleted["deleted"] is True
    assert not Subscription.objects.filter(pk=sub["id"]).exists()
    assert not TestClock.objects.exists()


def test_catalog_updates_lists_and_invoice_actions(api, catalog, customer):
    price = catalog(500, nickname="Small")
    product = ok(api.get(f"/api/v1/prices/{price}"))["product"]
    body = ok(
        api.post(f"/api/v1/products/{product}", {"name": "Renamed", "active": False}, format="json")
    )
    assert (body["name"], body["active"], body["default_price"]) == ("Renamed", False, price)
    assert ok(api.get(f"/api/v1/products/{product}"))["name"] == "Renamed"
    assert [p["id"] for p in ok(api.get("/api/v1/products", {"active": "false"}))["data"]] == [
        product
    ]
    assert [p["id"] for p in ok(api.get("/api/v1/prices", {"product": product}))["data"]] == [price]
    customer_id, _ = customer()
    sub = ok(
        api.post(
            "/api/v1/subscriptions",
            {
                "customer": customer_id,
                "items": [{"price": price}],
                "collection_method": "send_invoice",
                "days_until_due": 3,
            },
            format="json",
        ),
        201,
    )
    assert (
        ok(api.get("/api/v1/subscriptions", {"customer": customer_id}))["data"][0]["id"]
        == sub["id"]
    )
    listed = ok(api.get("/api/v1/invoices", {"subscription": sub["id"], "status": "open"}))["data"]
    assert [i["id"] for i in listed] == [sub["latest_invoice"]]
    written_off = ok(
        api.post(f"/api/v1/invoices/{sub['latest_invoice']}/mark_uncollectible", {}, format="json")
    )
    assert written_off["status"] == "uncollectible"
    voided = ok(api.post(f"/api/v1/invoices/{sub['latest_invoice']}/void", {}, format="json"))
    assert voided["status"] == "void"
    again = api.post(f"/api/v1/invoices/{sub['latest_invoice']}/finalize", {}, format="json")
    assert again.json()["error"]["code"] == "invoice_unexpected_state"
    amount_coupon = ok(
        api.post(
            "/api/v1/coupons",
            {
                "amount_off": 300,
                "currency": "usd",
                "duration": "repeating",
                "duration_in_months": 2,
            },
            format="json",
        ),
        201,
    )
    body = ok(
        api.post(
            f"/api/v1/subscriptions/{sub['id']}", {"coupon": amount_coupon["id"]}, format="json"
        )
    )
    assert body["discount"]["coupon"]["amount_off"] == 300
    body = ok(api.delete(f"/api/v1/subscriptions/{sub['id']}/discount"))
    assert body["discount"] is None
    assert len(ok(api.get("/api/v1/coupons"))["data"]) == 1
    upcoming = api.get("/api/v1/invoices/upcoming")
    assert upcoming.json()["error"]["param"] == "subscription"


def test_remaining_tools_and_tasks(api, merchant, agent, call, catalog, customer, settings):  # noqa: F811
    settings.BILLING_TEST_CLOCK_INLINE = True
    key = agent(merchant)
    customer_id, method = customer()
    price = catalog(800)
    dry = call(
        key,
        "create_subscription",
        {
            "customer": customer_id,
            "items": [{"price": price}],
            "default_payment_method": method,
            "dry_run": True,
        },
    )
    assert dry.status == "dry_run", dry.body
    assert dry.body["would_create"]["total"] == 800
    assert not Subscription.objects.exists()
    sub = ok(
        api.post(
            "/api/v1/subscriptions",
            {
                "customer": customer_id,
                "items": [{"price": price}],
                "collection_method": "send_invoice",
                "days_until_due": 3,
            },
            format="json",
        ),
        201,
    )
    preview = call(key, "preview_invoice", {"subscription": sub["id"]})
    assert preview.status == "ok" and preview.body["total"] == 800
    paid_dry = call(
        key, "pay_invoice", {"id": sub["latest_invoice"], "payment_method": method, "dry_run": True}
    )
    assert paid_dry.status == "dry_run" and paid_dry.body["amount"] == 800
    coupon = call(key, "create_coupon", {"percent_off_bps": 1000, "duration": "forever"})
    assert coupon.status == "ok", coupon.body
    voided = call(key, "void_invoice", {"id": sub["latest_invoice"]})
    assert voided.body["status"] == "void"
    canceled = call(key, "cancel_subscription", {"id": sub["id"]})
    assert canceled.body["status"] == "canceled"
    clock = ok(api.post("/api/v1/test_clocks", {"frozen_time": T0}, format="json"), 201)
    advanced = call(
        key, "advance_test_clock", {"id": clock["id"], "frozen_time": "2026-06-02T00:00:00Z"}
    )
    assert advanced.body["status"] == "ready"
    tasks.run_due()
    assert tasks.renew_due() == 0
    assert tasks.retry_due() == 0
    assert tasks.advance_test_clock(clock["id"]) == "ready"
    assert TestClock.objects.get(pk=clock["id"]).frozen_time == datetime(2026, 6, 2, tzinfo=UTC)
