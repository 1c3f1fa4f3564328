"""Wallets through the HTTP API: create, read, freeze, transactions."""

import pytest

from compliance.models import AuditEntry
from mcp_payments.events.models import Event
from tests.fixtures.factories import CustomerFactory
from tests.fixtures.ledger import balance_of

pytestmark = pytest.mark.django_db


def test_create_wallet_for_a_customer(api, merchant):
    customer = CustomerFactory(merchant=merchant)
    response = api.post(
        "/api/v1/wallets", {"customer": customer.id, "currency": "eur"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["object"] == "wallet"
    assert body["id"].startswith("wal_")
    assert body["customer"] == customer.id
    assert body["currency"] == "eur"
    assert body["status"] == "active"
    assert body["balance"] == {"available": 0, "pending": 0}
    assert body["ledger_account"].startswith("acct_")
    assert Event.objects.get(type="wallet.created").object_id == body["id"]
    assert api.get(f"/api/v1/wallets/{body['id']}").json() == body
    assert [w["id"] for w in api.get(f"/api/v1/wallets?customer={customer.id}").json()["data"]] == [
        body["id"]
    ]


def test_wallet_for_another_merchants_customer_is_404(api, other_merchant):
    foreign = CustomerFactory(merchant=other_merchant)
    response = api.post(
        "/api/v1/wallets", {"customer": foreign.id, "currency": "usd"}, format="json"
    )
    assert response.status_code == 404
    assert not Event.objects.filter(type="wallet.created").exists()


def test_wallet_input_errors(api):
    bad_currency = api.post("/api/v1/wallets", {"currency": "usdx"}, format="json")
    assert bad_currency.status_code == 400
    assert bad_currency.json()["error"]["param"] == "currency"
    missing = api.post("/api/v1/wallets", {}, format="json")
    assert missing.json()["error"]["code"] == "parameter_missing"


def test_foreign_wallet_is_404(client_for, merchant, other_merchant, make_wallet):
    wallet = make_wallet()
    assert client_for(other_merchant).get(f"/api/v1/wallets/{wallet.id}").status_code == 404
    assert client_for(merchant).get(f"/api/v1/wallets/{wallet.id}").status_code == 200


def test_frozen_wallet_refuses_debits_but_receives_credits(api, make_wallet):
    frozen = make_wallet(1000)
    other = make_wallet(1000)
    response = api.post(f"/api/v1/wallets/{frozen.id}/freeze", {"reason": "kyc"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "frozen"
    refused = api.post(
        "/api/v1/transfers",
        {
            "source_wallet": frozen.id,
            "destination_wallet": other.id,
            "amount": 10,
            "currency": "usd",
        },
        format="json",
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "wallet_frozen"
    assert balance_of(frozen) == (1000, 0)
    received = api.post(
        "/api/v1/transfers",
        {
            "source_wallet": other.id,
            "destination_wallet": frozen.id,
            "amount": 10,
            "currency": "usd",
        },
        format="json",
    )
    assert received.status_code == 201
    assert balance_of(frozen) == (1010, 0)
    again = api.post(f"/api/v1/wallets/{frozen.id}/freeze", {}, format="json")
    assert again.status_code == 409
    unfrozen = api.post(f"/api/v1/wallets/{frozen.id}/unfreeze", {}, format="json")
    assert unfrozen.json()["status"] == "active"
    assert [e.type for e in Event.objects.filter(object_id=frozen.id).order_by("id")][-2:] == [
        "wallet.frozen",
        "wallet.unfrozen",
    ]
    audit = AuditEntry.objects.filter(object_id=frozen.id).order_by("seq")
    assert [a.action for a in audit] == ["wallet.frozen", "wallet.unfrozen"]
    assert audit[0].after == {"status": "frozen", "reason": "kyc"}


def test_wallet_transactions_show_each_entry_in_the_wallets_sign(api, make_wallet):
    source = make_wallet(5000)
    destination = make_wallet()
    api.post(
        "/api/v1/transfers",
        {
            "source_wallet": source.id,
            "destination_wallet": destination.id,
            "amount": 700,
            "currency": "usd",
        },
        format="json",
    )
    hold = api.post(
        "/api/v1/transfers",
        {
            "source_wallet": source.id,
            "destination_wallet": destination.id,
            "amount": 300,
            "currency": "usd",
            "pending": True,
        },
        format="json",
    ).json()
    api.post(f"/api/v1/transfers/{hold['id']}/post", {"amount": 200}, format="json")
    rows = api.get(f"/api/v1/wallets/{source.id}/transactions").json()["data"]
    assert [(r["kind"], r["amount"], r["hold_amount"]) for r in rows] == [
        ("transfer_post", -200, 300),
        ("transfer_hold", 0, -300),
        ("transfer", -700, 0),
        ("adjustment", 5000, 0),
    ]
    assert balance_of(source) == (4100, 0)
    assert balance_of(destination) == (900, 0)
