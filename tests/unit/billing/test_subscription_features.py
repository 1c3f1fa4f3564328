"""Subscriptions and invoices through REST: prorations, previews, coupons, pause/resume,
wallet payments, manual invoices, MRR segments against the subscription history."""

from datetime import UTC, datetime

import pytest

from mcp_payments.accounts.context import AuthContext
from mcp_payments.events.models import Event
from payments.billing.models import Invoice, InvoiceItem, MrrSegment
from payments.billing.selectors import mrr_segments
from tests.fixtures.ledger import balance_of, fund_wallet
from tests.unit.billing.conftest import ledger_ok, ok
from wallets.models import Posting
from wallets.services.wallets import wallet_create

pytestmark = pytest.mark.django_db

T0 = "2026-03-01T00:00:00Z"


def _setup(api, catalog, clock, customer, subscribe, amount=3100, **extra):
    test_clock = clock(T0)
    customer_id, method = customer(clock=test_clock["id"])
    sub = ok(subscribe(customer_id, catalog(amount), method, **extra), 201)
    return test_clock, customer_id, method, sub


def test_update_previewed_then_applied_produces_exactly_the_previewed_lines(
    api, catalog, clock, customer, subscribe, advance
):
    test_clock, _, _, sub = _setup(api, catalog, clock, customer, subscribe)
    advance(test_clock["id"], "2026-03-11T00:00:00Z")  # 21 of 31 days remain
    bigger = catalog(6200)
    item = sub["items"]["data"][0]["id"]
    query = {
        "subscription": sub["id"],
        "items[0][id]": item,
        "items[0][price]": bigger,
        "proration_behavior": "always_invoice",
    }
    preview = ok(api.get("/api/v1/invoices/upcoming", query))
    assert [line["amount"] for line in preview["lines"]["data"]] == [-2100, 4200]
    assert preview["amount_due"] == 2100

    body = {
        "items": [{"id": item, "price": bigger}],
        "proration_behavior": "always_invoice",
        "proration_date": preview["proration_date"],
    }
    updated = ok(api.post(f"/api/v1/subscriptions/{sub['id']}", body, format="json"))

    invoice = ok(api.get(f"/api/v1/invoices/{updated['latest_invoice']}"))
    assert invoice["billing_reason"] == "subscription_update"
    assert [line["amount"] for line in invoice["lines"]["data"]] == [-2100, 4200]
    assert (invoice["total"], invoice["status"], invoice["amount_paid"]) == (2100, "paid", 2100)
    lines = ok(api.get(f"/api/v1/invoices/{invoice['id']}/lines"))
    assert lines["data"][0]["proration_details"]["seconds_in_period"] == 31 * 86400
    # MRR segments follow the history: 31.00 until the change, then 62.00
    segments = MrrSegment.objects.filter(subscription_id=sub["id"]).order_by("valid_from")
    assert [(s.mrr, s.valid_to) for s in segments] == [
        (3100, datetime(2026, 3, 11, tzinfo=UTC)),
        (6200, None),
    ]
    assert ledger_ok()


def test_create_prorations_become_pending_items_on_the_next_renewal(
    api, catalog, clock, customer, subscribe, advance
):
    test_clock, _, _, sub = _setup(api, catalog, clock, customer, subscribe)
    advance(test_clock["id"], "2026-03-11T00:00:00Z")
    item = sub["items"]["data"][0]["id"]
    ok(
        api.post(
            f"/api/v1/subscriptions/{sub['id']}",
            {"items": [{"id": item, "quantity": 2}]},
            format="json",
        )
    )
    pending = ok(api.get("/api/v1/invoice_items"))["data"]
    assert sorted(i["amount"] for i in pending) == [-2100, 4200]
    upcoming = ok(api.get("/api/v1/invoices/upcoming", {"subscription": sub["id"]}))
    assert upcoming["total"] == 2100 + 6200

    advance(test_clock["id"], "2026-04-01T00:00:01Z")

    renewal = Invoice.objects.get(subscription_id=sub["id"], billing_reason="subscription_cycle")
    assert (renewal.total, renewal.status) == (8300, "paid")
    assert not InvoiceItem.objects.filter(invoice__isnull=True).exists()


def test_interval_change_resets_the_anchor_and_invoices_at_once(
    api, catalog, clock, customer, subscribe, advance
):
    test_clock, _, _, sub = _setup(api, catalog, clock, customer, subscribe)
    advance(test_clock["id"], "2026-03-11T00:00:00Z")
    yearly = catalog(30_000, interval="year")
    item = sub["items"]["data"][0]["id"]
    body = {"items": [{"id": item, "price": yearly}]}
    updated = ok(api.post(f"/api/v1/subscriptions/{sub['id']}", body, format="json"))
    assert updated["billing_cycle_anchor"] == "2026-03-11T00:00:00Z"
    assert updated["current_period_end"] == "2027-03-11T00:00:00Z"
    invoice = Invoice.objects.get(pk=updated["latest_invoice"])
    assert [line.amount for line in invoice.lines.all()] == [-2100, 30_000]
    assert invoice.status == "paid"


def test_percent_coupon_spreads_exactly_and_once_applies_to_one_invoice(
    api, catalog, clock, customer, subscribe, advance
):
    ok(
        api.post(
            "/api/v1/coupons",
            {"id": "WELCOME", "percent_off_bps": 3333, "duration": "once"},
            format="json",
        ),
        201,
    )
    test_clock = clock(T0)
    customer_id, method = customer(clock=test_clock["id"])
    body = {
        "customer": customer_id,
        "items": [{"price": catalog(1001)}, {"price": catalog(2002), "quantity": 1}],
        "default_payment_method": method,
        "coupon": "WELCOME",
    }
    sub = ok(api.post("/api/v1/subscriptions", body, format="json"), 201)
    invoice = ok(api.get(f"/api/v1/invoices/{sub['latest_invoice']}"))
    # 3003 x 33.33 % = 1000.9 → 1001, spread 334 + 667 by largest remainder
    assert invoice["total_discount_amount"] == 1001
    assert sum(line["discount_amount"] for line in invoice["lines"]["data"]) == 1001
    assert invoice["total"] == 2002
    assert ok(api.get("/api/v1/coupons/WELCOME"))["times_redeemed"] == 1
    advance(test_clock["id"], "2026-04-01T00:00:01Z")
    renewal = Invoice.objects.get(subscription_id=sub["id"], billing_reason="subscription_cycle")
    assert (renewal.total_discount_amount, renewal.total) == (0, 3003)
    deleted = api.delete("/api/v1/coupons/WELCOME")
    assert deleted.json()["deleted"] is True


def test_pause_voids_renewals_and_resume_at_restarts_the_subscription(
    api, catalog, clock, customer, subscribe, advance
):
    test_clock, _, _, sub = _setup(api, catalog, clock, customer, subscribe)
    advance(test_clock["id"], "2026-03-05T00:00:00Z")
    paused = ok(
        api.post(
            f"/api/v1/subscriptions/{sub['id']}/pause",
            {"behavior": "void", "resumes_at": "2026-04-15T00:00:00Z"},
            format="json",
        )
    )
    assert paused["status"] == "paused"
    advance(test_clock["id"], "2026-04-20T00:00:00Z")
    renewal = Invoice.objects.get(subscription_id=sub["id"], billing_reason="subscription_cycle")
    assert renewal.status == "void"
    body = ok(api.get(f"/api/v1/subscriptions/{sub['id']}"))
    assert body["status"] == "active"
    assert Event.objects.filter(object_id=sub["id"], type="subscription.resumed").count() == 1
    segments = MrrSegment.objects.filter(subscription_id=sub["id"]).order_by("valid_from")
    assert [s.mrr for s in segments] == [3100, 0, 3100]
    window = mrr_segments(
        merchant=sub_merchant(sub), currency="usd", start=datetime(2026, 4, 1, tzinfo=UTC),
        end=datetime(2026, 4, 2, tzinfo=UTC),
    )  # fmt: skip
    assert [s.mrr for s in window] == [0]
    paused_again = api.post(f"/api/v1/subscriptions/{sub['id']}/resume", {}, format="json")
    assert paused_again.status_code == 409


def sub_merchant(sub):
    from payments.billing.models import Subscription

    return Subscription.objects.get(pk=sub["id"]).merchant_id


def test_wallet_payment_is_one_balanced_entry_and_cancel_prorate_credits_the_balance(
    api, merchant, catalog, customer, subscribe
):
    customer_id, _ = customer(token=None)
    context = AuthContext(merchant=merchant, scopes=frozenset({"wallets:write"}))
    wallet = wallet_create(context=context, currency="usd", customer_id=customer_id)
    fund_wallet(wallet, 5000)
    sub = ok(subscribe(customer_id, catalog(1200), wallet.id), 201)
    assert sub["status"] == "active"
    invoice = Invoice.objects.get(pk=sub["latest_invoice"])
    assert (invoice.status, invoice.amount_paid, invoice.payment) == ("paid", 1200, None)
    postings = Posting.objects.filter(entry__reference_id=invoice.id)
    assert sorted(p.amount for p in postings) == [-1200, 1200]
    assert balance_of(wallet)[0] == 3800
    canceled = ok(
        api.post(f"/api/v1/subscriptions/{sub['id']}/cancel", {"prorate": True}, format="json")
    )
    assert canceled["status"] == "canceled"
    balance = ok(api.get(f"/api/v1/customers/{customer_id}"))["balance"]["usd"]
    assert -1200 <= balance < 0
    assert ledger_ok()


def test_manual_invoice_from_pending_items_finalize_and_pay_out_of_band(api, customer):
    customer_id, _ = customer(token=None)
    ok(
        api.post(
            "/api/v1/invoice_items",
            {"customer": customer_id, "amount": 2500, "currency": "usd", "description": "Setup"},
            format="json",
        ),
        201,
    )
    draft = ok(api.post("/api/v1/invoices", {"customer": customer_id}, format="json"), 201)
    assert (draft["status"], draft["total"], draft["number"]) == ("draft", 2500, None)
    opened = ok(api.post(f"/api/v1/invoices/{draft['id']}/finalize", {}, format="json"))
    assert opened["status"] == "open" and opened["number"]
    paid = ok(
        api.post(f"/api/v1/invoices/{draft['id']}/pay", {"paid_out_of_band": True}, format="json")
    )
    assert (paid["status"], paid["paid_out_of_band"]) == ("paid", True)
    void = api.post(f"/api/v1/invoices/{draft['id']}/void", {}, format="json")
    assert void.status_code == 409
    empty = api.post("/api/v1/invoices", {"customer": customer_id}, format="json")
    assert empty.json()["error"]["code"] == "invoice_no_pending_items"
