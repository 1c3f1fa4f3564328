import pytest

from wallets import ledger


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


@pytest.fixture
def card(api):
    """Create a payment method from a sandbox token; returns its id."""

    def make(token="tok_visa", customer=None):
        body = {"type": "card", "card": {"token": token}}
        if customer:
            body["customer"] = customer
        response = api.post("/api/v1/payment_methods", body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()["id"]

    return make


@pytest.fixture
def pay(api, card):
    """POST /payments with confirm=true for a token; returns the response."""

    def make(token="tok_visa", amount=10_000, currency="usd", **extra):
        body = {
            "amount": amount,
            "currency": currency,
            "payment_method": card(token),
            "confirm": True,
            **extra,
        }
        return api.post("/api/v1/payments", body, format="json")

    return make
