"""Ledger reads: accounts (with point-in-time balances), entries, trial balance."""

import pytest

from tests.conftest import bearer_client
from tests.fixtures.ledger import balance_of

pytestmark = pytest.mark.django_db


def pay(api, source, destination, amount):
    return api.post(
        "/api/v1/transfers",
        {
            "source_wallet": source.id,
            "destination_wallet": destination.id,
            "amount": amount,
            "currency": "usd",
        },
        format="json",
    ).json()


def test_account_balance_as_of_an_earlier_instant(api, make_wallet, time_machine):
    time_machine.move_to("2026-05-01T10:00:00Z")
    source, destination = make_wallet(1000), make_wallet()
    time_machine.move_to("2026-05-01T11:00:00Z")
    pay(api, source, destination, 100)
    time_machine.move_to("2026-05-01T12:00:00Z")
    pay(api, source, destination, 250)
    account = f"/api/v1/ledger/accounts/{destination.account_id}"
    now = api.get(account).json()
    assert now["object"] == "ledger_account"
    assert (now["type"], now["code"], now["currency"]) == ("liability", "wallet", "usd")
    assert now["balance"]["balance"] == 350
    assert now["balance"]["as_of"] is None
    at_1130 = api.get(f"{account}?as_of=2026-05-01T11:30:00Z").json()["balance"]
    assert (at_1130["balance"], at_1130["credits_posted"], at_1130["as_of"]) == (
        100,
        100,
        "2026-05-01T11:30:00Z",
    )
    before = api.get(f"{account}?as_of=1700000000").json()["balance"]
    assert before["balance"] == 0
    bad = api.get(f"{account}?as_of=noon")
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "as_of"


def test_entries_are_scoped_to_the_merchants_accounts(api, make_wallet, other_merchant, client_for):
    source, destination = make_wallet(1000), make_wallet()
    transfer = pay(api, source, destination, 100)
    entries = api.get("/api/v1/ledger/entries").json()["data"]
    assert entries[0]["id"] == transfer["final_entry"]
    assert entries[0]["object"] == "journal_entry"
    assert sorted(p["amount"] for p in entries[0]["postings"]) == [-100, 100]
    detail = api.get(f"/api/v1/ledger/entries/{transfer['final_entry']}")
    assert detail.json() == entries[0]
    other = client_for(other_merchant)
    assert other.get("/api/v1/ledger/entries").json()["data"] == []
    assert other.get(f"/api/v1/ledger/entries/{transfer['final_entry']}").status_code == 404
    assert other.get(f"/api/v1/ledger/accounts/{source.account_id}").status_code == 404
    mine = api.get("/api/v1/ledger/accounts").json()["data"]
    assert {a["id"] for a in mine} == {source.account_id, destination.account_id}


def test_trial_balance_is_for_platform_staff(api, staff_client, make_wallet):
    source, destination = make_wallet(1000), make_wallet()
    pay(api, source, destination, 100)
    assert api.get("/api/v1/ledger/trial_balance").status_code == 403
    body = staff_client.get("/api/v1/ledger/trial_balance").json()
    assert body["object"] == "trial_balance"
    assert body["balanced"] is True
    [usd] = body["currencies"]
    assert usd == {"currency": "usd", "total_debits": 1100, "total_credits": 1100, "balanced": True}
    all_entries = staff_client.get("/api/v1/ledger/entries?limit=100").json()["data"]
    assert len(all_entries) == 2
    assert balance_of(source) == (900, 0)
    assert bearer_client("sk_test_nope").get("/api/v1/ledger/accounts").status_code == 401


def test_entries_filter_by_reference(api, make_wallet, other_merchant, client_for):
    from wallets.models import JournalEntry

    source, destination = make_wallet(1000), make_wallet()
    first, second = pay(api, source, destination, 100), pay(api, source, destination, 200)
    reference = JournalEntry.objects.get(pk=second["final_entry"]).reference_id
    assert reference
    found = api.get(f"/api/v1/ledger/entries?reference={reference}").json()["data"]
    assert [entry["id"] for entry in found] == [second["final_entry"]]
    assert first["final_entry"] not in {entry["id"] for entry in found}
    other = client_for(other_merchant)
    assert other.get(f"/api/v1/ledger/entries?reference={reference}").json()["data"] == []
