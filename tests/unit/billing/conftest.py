"""Billing tests drive the REST API as a client would, with real sandbox cards, real ledger
postings and test clocks whose advance runs inline (the same `test_clock_run` the Celery task
runs)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from wallets import ledger


@pytest.fixture(autouse=True)
def _billing_settings(settings):
    settings.BILLING_TEST_CLOCK_INLINE = True
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


def ok(response, status=200):
    assert response.status_code == status, response.json()
    return response.json()


def ledger_ok() -> bool:
    out = StringIO()
    call_command("ledger_verify", stdout=out)
    return json.loads(out.getvalue())["ok"] is True


@pytest.fixture
def catalog(api):
    """price(unit_amount, currency="usd", interval="month", count=1) → price id (new product)."""

    def price(unit_amount=1000, currency="usd", interval="month", count=1, name="Plan", **extra):
        product = ok(api.post("/api/v1/products", {"name": name}, format="json"), 201)
        body = {
            "product": product["id"],
            "currency": currency,
            "unit_amount": unit_amount,
            "recurring": {"interval": interval, "interval_count": count},
            **extra,
        }
        return ok(api.post("/api/v1/prices", body, format="json"), 201)["id"]

    return price


@pytest.fixture
def clock(api):
    def make(frozen_time="2026-01-31T10:00:00Z"):
        return ok(api.post("/api/v1/test_clocks", {"frozen_time": frozen_time}, format="json"), 201)

    return make


@pytest.fixture
def customer(api):
    """customer(clock=None, token="tok_visa") → (customer id, payment method id or None)."""

    def make(clock=None, token="tok_visa"):
        body = {"email": "c@example.com", **({"test_clock": clock} if clock else {})}
        customer_id = ok(api.post("/api/v1/customers", body, format="json"), 201)["id"]
        method = None
        if token:
            card = {"type": "card", "card": {"token": token}, "customer": customer_id}
            method = ok(api.post("/api/v1/payment_methods", card, format="json"), 201)["id"]
        return customer_id, method

    return make


@pytest.fixture
def subscribe(api):
    def make(customer_id, price, method=None, quantity=1, **extra):
        body = {
            "customer": customer_id,
            "items": [{"price": price, "quantity": quantity}],
            **({"default_payment_method": method} if method else {}),
            **extra,
        }
        return api.post("/api/v1/subscriptions", body, format="json")

    return make


@pytest.fixture
def advance(api):
    def make(clock_id, frozen_time):
        body = {"frozen_time": frozen_time}
        return ok(api.post(f"/api/v1/test_clocks/{clock_id}/advance", body, format="json"))

    return make
