"""POST /transfers/batch: independent and atomic modes."""

import pytest

from mcp_payments.events.models import Event
from tests.fixtures.ledger import balance_of
from wallets.models import JournalEntry, Transfer

pytestmark = pytest.mark.django_db


def item(source, destination, amount, **extra):
    return {
        "source_wallet": source.id,
        "destination_wallet": destination.id,
        "amount": amount,
        "currency": "usd",
        **extra,
    }


def test_independent_batch_applies_what_it_can_and_names_each_failure(api, make_wallet):
    a, b = make_wallet(100), make_wallet(0)
    response = api.post(
        "/api/v1/transfers/batch",
        {
            "transfers": [
                item(a, b, 60),
                item(a, b, 60),  # only 40 left
                item(a, b, "5"),
                item(b, a, 10),
                item(a, a, 1),
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["object"], body["atomic"], body["applied"]) == ("transfer_batch", False, True)
    results = body["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3, 4]
    assert results[0]["transfer"]["amount"] == 60 and results[0]["error"] is None
    assert results[1]["transfer"] is None
    assert results[1]["error"]["code"] == "insufficient_funds"
    assert results[2]["error"]["param"] == "amount"
    assert results[3]["transfer"]["status"] == "posted"
    assert results[4]["error"]["code"] == "transfer_same_wallet"
    assert balance_of(a) == (50, 0)
    assert balance_of(b) == (50, 0)
    assert Transfer.objects.count() == 2
    assert Event.objects.filter(type="transfer.created").count() == 2


def test_atomic_batch_with_one_failure_applies_nothing(api, make_wallet):
    a, b = make_wallet(100), make_wallet(0)
    entries_before = JournalEntry.objects.count()
    response = api.post(
        "/api/v1/transfers/batch",
        {"transfers": [item(a, b, 60), item(a, b, 60), item(b, a, 5)], "atomic": True},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()["error"]
    assert (body["type"], body["code"], body["param"]) == (
        "invalid_request_error",
        "batch_failed",
        "transfers[1]",
    )
    assert body["message"] == (
        "The atomic batch was not applied: transfers[1] failed (insufficient_funds)."
    )
    assert [r["index"] for r in body["results"]] == [0, 1, 2]
    assert [r["transfer"] for r in body["results"]] == [None, None, None]
    assert [r["error"] and r["error"]["code"] for r in body["results"]] == [
        None,
        "insufficient_funds",
        None,
    ]
    assert balance_of(a) == (100, 0)
    assert JournalEntry.objects.count() == entries_before
    assert not Transfer.objects.exists()


def test_atomic_batch_with_an_invalid_item_applies_nothing(api, make_wallet):
    a, b = make_wallet(100), make_wallet(0)
    response = api.post(
        "/api/v1/transfers/batch",
        {"transfers": [item(a, b, 10), item(a, b, 10, currency="eur")], "atomic": True},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("batch_failed", "transfers[1]")
    assert error["results"][1]["error"]["code"] == "currency_mismatch"
    assert balance_of(a) == (100, 0)


def test_atomic_batch_applies_in_order_so_later_items_may_spend_earlier_credits(api, make_wallet):
    a, b, c = make_wallet(100), make_wallet(0), make_wallet(0)
    response = api.post(
        "/api/v1/transfers/batch",
        {"transfers": [item(a, b, 100), item(b, c, 100)], "atomic": True},
        format="json",
    )
    assert response.status_code == 200
    assert balance_of(c) == (100, 0)


def test_batch_of_1000(api, make_wallet):
    a, b = make_wallet(1000), make_wallet(0)
    response = api.post(
        "/api/v1/transfers/batch",
        {"transfers": [item(a, b, 1) for _ in range(1000)], "atomic": True},
        format="json",
    )
    assert response.status_code == 200
    assert balance_of(b) == (1000, 0)
    assert Transfer.objects.count() == 1000


def test_batch_limits(api, make_wallet):
    a, b = make_wallet(10), make_wallet(0)
    too_many = api.post(
        "/api/v1/transfers/batch", {"transfers": [item(a, b, 1)] * 1001}, format="json"
    )
    assert too_many.status_code == 400
    assert too_many.json()["error"]["param"] == "transfers"
    empty = api.post("/api/v1/transfers/batch", {"transfers": []}, format="json")
    assert empty.status_code == 400
