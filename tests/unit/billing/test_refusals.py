"""Every refusal answers the error envelope and leaves nothing behind: no invoice, no event, no
ledger entry (BILLING.md §3, §4, §5)."""

import pytest

from compliance.models import AuditEntry
from mcp_payments.events.models import Event
from payments.billing.models import Invoice, InvoiceItem, Price, Subscription
from tests.unit.billing.conftest import ok
from wallets.models import JournalEntry

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Subscription.objects.count(),
        Invoice.objects.count(),
        InvoiceItem.objects.count(),
        Event.objects.count(),
        AuditEntry.objects.count(),
        JournalEntry.objects.count(),
    )


def _error(response, status, code, param=None):
    assert response.status_code == status, response.json()
    error = response.json()["error"]
    assert error["code"] == code
    if param is not None:
        assert error["param"] == param
    return error


def test_items_of_two_currencies_or_intervals_are_refused(api, catalog, customer):
    customer_id, method = customer()
    usd, eur = catalog(1000), catalog(1000, currency="eur")
    yearly = catalog(10_000, interval="year")
    before = _counts()
    for other in (eur, yearly):
        body = {
            "customer": customer_id,
            "items": [{"price": usd}, {"price": other}],
            "default_payment_method": method,
        }
        response = api.post("/api/v1/subscriptions", body, format="json")
        _error(response, 400, "subscription_items_mismatch", "items")
    assert _counts() == before


def test_a_price_amount_cannot_change(api, catalog):
    price = catalog(1000)
    before = _counts()
    response = api.post(f"/api/v1/prices/{price}", {"unit_amount": 2000}, format="json")
    _error(response, 400, "price_immutable", "unit_amount")
    assert Price.objects.get(pk=price).unit_amount == 1000
    assert _counts() == before
    renamed = ok(api.post(f"/api/v1/prices/{price}", {"nickname": "Basic"}, format="json"))
    assert (renamed["nickname"], renamed["unit_amount"]) == ("Basic", 1000)
    event = Event.objects.filter(type="price.updated").get()
    assert event.data["previous_attributes"] == {"nickname": None}


def test_paying_a_paid_invoice_is_409_and_charges_nothing(api, catalog, customer):
    customer_id, method = customer()
    body = {"customer": customer_id, "items": [{"price": catalog(700)}]}
    sub = ok(
        api.post(
            "/api/v1/subscriptions", {**body, "default_payment_method": method}, format="json"
        ),
        201,
    )
    invoice_id = sub["latest_invoice"]
    before = _counts()
    response = api.post(
        f"/api/v1/invoices/{invoice_id}/pay", {"payment_method": method}, format="json"
    )
    error = _error(response, 409, "invoice_already_paid")
    assert error["type"] == "conflict_error"
    assert _counts() == before


def test_cancel_while_trialing_ends_the_trial_now_and_bills_nothing(api, catalog, customer):
    customer_id, method = customer()
    body = {
        "customer": customer_id,
        "items": [{"price": catalog(1000)}],
        "default_payment_method": method,
        "trial_period_days": 14,
    }
    sub = ok(api.post("/api/v1/subscriptions", body, format="json"), 201)
    assert sub["status"] == "trialing"
    journal = JournalEntry.objects.count()

    canceled = ok(api.post(f"/api/v1/subscriptions/{sub['id']}/cancel", {}, format="json"))

    assert canceled["status"] == "canceled"
    assert canceled["trial_end"] == canceled["canceled_at"] == canceled["ended_at"]
    assert Invoice.objects.filter(subscription_id=sub["id"]).count() == 1  # the 0 trial invoice
    assert Invoice.objects.get(subscription_id=sub["id"]).amount_paid == 0
    assert JournalEntry.objects.count() == journal
    types = list(
        Event.objects.filter(object_id=sub["id"])
        .order_by("sequence")
        .values_list("type", flat=True)
    )
    assert types[-2:] == ["subscription.updated", "subscription.canceled"]
    again = api.post(f"/api/v1/subscriptions/{sub['id']}/cancel", {}, format="json")
    _error(again, 409, "subscription_terminal")


def test_other_merchants_objects_are_404_and_bad_input_is_400(
    api, other_merchant, client_for, catalog, customer
):
    price = catalog(1000)
    other = client_for(other_merchant)
    _error(other.get(f"/api/v1/prices/{price}"), 404, "resource_missing")
    before = _counts()
    customer_id, _ = customer()
    response = other.post(
        "/api/v1/subscriptions",
        {"customer": customer_id, "items": [{"price": price}]},
        format="json",
    )
    _error(response, 404, "resource_missing", "customer")
    response = api.post(
        "/api/v1/subscriptions",
        {"customer": customer_id, "items": [{"price": price, "quantity": "2"}], "x": 1},
        format="json",
    )
    assert response.status_code == 400
    response = api.post(
        "/api/v1/coupons", {"duration": "once", "percent_off_bps": 20_000}, format="json"
    )
    _error(response, 400, "parameter_invalid", "percent_off_bps")
    assert _counts()[0:3] == before[0:3]
