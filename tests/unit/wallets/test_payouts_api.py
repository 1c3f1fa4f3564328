"""Payouts: clearing at once, settled or returned by the job, cancelable while pending."""

import pytest

from mcp_payments.events.models import Event
from tests.fixtures.ledger import balance_of
from wallets.ledger import platform_account
from wallets.models import Payout
from wallets.selectors import account_balance
from wallets.tasks import settle_payout

pytestmark = pytest.mark.django_db


def create(api, wallet, amount, destination="btok_success"):
    return api.post(
        "/api/v1/payouts",
        {"wallet": wallet.id, "amount": amount, "currency": "usd", "destination": destination},
        format="json",
    )


def test_payout_moves_funds_to_clearing_then_the_job_pays_it(
    api, make_wallet, django_capture_on_commit_callbacks
):
    wallet = make_wallet(1000)
    with django_capture_on_commit_callbacks() as callbacks:
        response = create(api, wallet, 300)
    assert response.status_code == 201
    payout = response.json()
    assert (payout["object"], payout["status"], payout["source"]) == ("payout", "pending", "wallet")
    assert balance_of(wallet) == (700, 0)
    clearing = platform_account("payout_clearing", "usd")
    assert account_balance(clearing).balance == 300
    # Settlement is queued only after commit.
    assert [c.task_name for c in callbacks if hasattr(c, "task_name")] == [
        "wallets.tasks.settle_payout"
    ]
    assert settle_payout.apply(args=[payout["id"]]).get() == "paid"
    assert account_balance(clearing).balance == 0
    assert account_balance(platform_account("bank_settlement", "usd")).balance == -300
    assert api.get(f"/api/v1/payouts/{payout['id']}").json()["status"] == "paid"
    types = list(
        Event.objects.filter(object_id=payout["id"]).order_by("id").values_list("type", flat=True)
    )
    assert types == ["payout.created", "payout.paid"]
    assert settle_payout.apply(args=[payout["id"]]).get() is None


def test_failed_payout_returns_the_funds(api, make_wallet):
    wallet = make_wallet(1000)
    payout = create(api, wallet, 300, destination="btok_fail").json()
    assert settle_payout.apply(args=[payout["id"]]).get() == "failed"
    assert balance_of(wallet) == (1000, 0)
    stored = Payout.objects.get(pk=payout["id"])
    assert (stored.status, stored.failure_code) == ("failed", "account_closed")
    assert Event.objects.filter(object_id=payout["id"], type="payout.failed").count() == 1


def test_cancel_while_pending_returns_funds_and_then_settlement_does_nothing(api, make_wallet):
    wallet = make_wallet(1000)
    payout = create(api, wallet, 300).json()
    canceled = api.post(f"/api/v1/payouts/{payout['id']}/cancel")
    assert canceled.status_code == 200
    assert canceled.json()["status"] == "canceled"
    assert balance_of(wallet) == (1000, 0)
    assert settle_payout.apply(args=[payout["id"]]).get() is None
    again = api.post(f"/api/v1/payouts/{payout['id']}/cancel")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "payout_not_cancelable"


def test_payout_refusals(api, make_wallet, other_merchant, client_for):
    wallet = make_wallet(100)
    too_much = create(api, wallet, 101)
    assert too_much.status_code == 409
    assert too_much.json()["error"]["code"] == "insufficient_funds"
    bad_token = create(api, wallet, 10, destination="4242424242424242")
    assert bad_token.status_code == 400
    assert bad_token.json()["error"]["param"] == "destination"
    foreign = create(client_for(other_merchant), wallet, 10)
    assert foreign.status_code == 404
    assert foreign.json()["error"]["param"] == "wallet"
    assert balance_of(wallet) == (100, 0)
    assert not Payout.objects.exists()


def test_payout_from_an_empty_merchant_balance_is_refused(api):
    response = api.post(
        "/api/v1/payouts",
        {"amount": 10, "currency": "usd", "destination": "btok_success"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_funds"
    balance = api.get("/api/v1/balance").json()
    assert balance == {"object": "balance", "available": [], "pending": []}
