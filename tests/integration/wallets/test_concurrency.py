"""Real threads against PostgreSQL: no double spend, no forbidden negative, totals conserved."""

import json
import random
import threading
from io import StringIO

import pytest
from django.core.management import call_command

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.scopes import ALL_SCOPES
from mcp_payments.api.errors import ApplicationError
from tests.fixtures.factories import MerchantFactory
from tests.fixtures.ledger import balance_of, fund_wallet
from tests.fixtures.threads import run_threads
from wallets import ledger
from wallets.models import AccountBalance
from wallets.services.transfers import TransferRequest, transfer_create
from wallets.services.wallets import wallet_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_platform_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


def test_twenty_threads_of_random_transfers_conserve_the_total():
    merchant = MerchantFactory()
    context = AuthContext(merchant=merchant, scopes=frozenset(ALL_SCOPES))
    wallets = [wallet_create(context=context, currency="usd") for _ in range(5)]
    for wallet in wallets:
        fund_wallet(wallet, 1_000)
    outcomes = {"ok": 0, "insufficient_funds": 0}
    lock = threading.Lock()

    def transfers(index):
        rng = random.Random(index)
        for _ in range(50):
            source, destination = rng.sample(wallets, 2)
            try:
                transfer_create(
                    context=context,
                    request=TransferRequest(
                        source_wallet=source.id,
                        destination_wallet=destination.id,
                        amount=rng.randint(1, 400),
                        currency="usd",
                    ),
                )
                key = "ok"
            except ApplicationError as exc:
                assert exc.code == "insufficient_funds"
                key = "insufficient_funds"
            with lock:
                outcomes[key] += 1

    run_threads(20, transfers)

    assert outcomes["ok"] + outcomes["insufficient_funds"] == 1000
    assert outcomes["ok"] > 0
    balances = [balance_of(wallet)[0] for wallet in wallets]
    assert all(balance >= 0 for balance in balances)
    assert sum(balances) == 5_000
    for row in AccountBalance.objects.filter(account_id__in=[w.account_id for w in wallets]):
        assert row.debits_posted + row.debits_pending <= row.credits_posted
    out = StringIO()
    call_command("ledger_verify", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True


def test_two_concurrent_debits_that_together_exceed_the_balance_exactly_one_succeeds():
    merchant = MerchantFactory()
    context = AuthContext(merchant=merchant, scopes=frozenset(ALL_SCOPES))
    source, first, second = (wallet_create(context=context, currency="usd") for _ in range(3))
    fund_wallet(source, 100)
    results = []

    def spend(index):
        try:
            transfer_create(
                context=context,
                request=TransferRequest(
                    source_wallet=source.id,
                    destination_wallet=(first, second)[index].id,
                    amount=70,
                    currency="usd",
                ),
            )
            results.append("ok")
        except ApplicationError as exc:
            results.append(exc.code)

    run_threads(2, spend)

    assert sorted(results) == ["insufficient_funds", "ok"]
    assert balance_of(source) == (30, 0)
    assert balance_of(first)[0] + balance_of(second)[0] == 70


def test_concurrent_holds_and_immediate_debits_never_overdraw():
    merchant = MerchantFactory()
    context = AuthContext(merchant=merchant, scopes=frozenset(ALL_SCOPES))
    source, sink = (wallet_create(context=context, currency="usd") for _ in range(2))
    fund_wallet(source, 500)
    succeeded = []

    def spend(index):
        try:
            transfer_create(
                context=context,
                request=TransferRequest(
                    source_wallet=source.id,
                    destination_wallet=sink.id,
                    amount=100,
                    currency="usd",
                    pending=index % 2 == 0,
                ),
            )
            succeeded.append(index)
        except ApplicationError as exc:
            assert exc.code == "insufficient_funds"

    run_threads(10, spend)

    assert len(succeeded) == 5
    available, _ = balance_of(source)
    assert available == 0
