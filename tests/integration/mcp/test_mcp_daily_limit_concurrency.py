"""Real threads against PostgreSQL: concurrent agent calls can never pass a daily limit
together, and a movement that fails releases its reservation."""

import pytest

from mcp_payments.accounts.selectors import api_key_context
from mcp_payments.accounts.services import AgentPolicy, api_key_create
from mcp_payments.agents.models import AgentSpend
from mcp_payments.mcp.execution import ToolOutcome, run_tool
from tests.conftest import bearer_client
from tests.fixtures.factories import MerchantFactory
from tests.fixtures.ledger import balance_of, fund_wallet
from tests.fixtures.threads import run_threads
from wallets import ledger
from wallets.models import Transfer, Wallet
from wallets.services.wallets import wallet_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_platform_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


def agent_with_wallets(daily_limit: int, balance: int, count: int, with_secret: bool = False):
    merchant = MerchantFactory()
    secret = api_key_create(
        merchant=merchant,
        scopes="*",
        policy=AgentPolicy(daily_limit={"usd": daily_limit}),
        context=None,
    ).secret
    context = api_key_context(secret)
    wallets = [wallet_create(context=context, currency="usd") for _ in range(count + 1)]
    fund_wallet(wallets[0], balance)
    return (context, wallets, secret) if with_secret else (context, wallets)


def transfer(context, source: Wallet, destination: Wallet, amount: int) -> ToolOutcome:
    return run_tool(
        context=context,
        name="create_transfer",
        arguments={
            "source_wallet": source.id,
            "destination_wallet": destination.id,
            "amount": amount,
            "currency": "usd",
        },
    )


def test_two_concurrent_calls_never_pass_the_limit_together():
    for _ in range(10):
        context, (source, first, second) = agent_with_wallets(1_000, 10_000, 2)

        def one(index, context=context, source=source, targets=(first, second)):
            return transfer(context, source, targets[index], 600)

        outcomes = run_threads(2, one)

        codes = sorted(outcome.error_code or "ok" for outcome in outcomes)
        assert codes == ["agent_policy_violation", "ok"]
        assert AgentSpend.objects.get(owner=context.api_key.id).amount == 600
        assert Transfer.objects.filter(merchant=context.merchant).count() == 1
        assert balance_of(source) == (9_400, 0)


def test_many_concurrent_calls_spend_exactly_up_to_the_limit():
    context, wallets = agent_with_wallets(5_000, 100_000, 20)
    source, destinations = wallets[0], wallets[1:]

    outcomes = run_threads(20, lambda index: transfer(context, source, destinations[index], 300))

    passed = [outcome for outcome in outcomes if not outcome.is_error]
    refused = [outcome for outcome in outcomes if outcome.is_error]
    assert len(passed) == 16  # 16 x 300 = 4,800; a 17th would make 5,100
    assert {outcome.error_code for outcome in refused} == {"agent_policy_violation"}
    assert AgentSpend.objects.get(owner=context.api_key.id).amount == 4_800
    assert balance_of(source) == (100_000 - 4_800, 0)


def test_concurrent_failures_release_their_reservations():
    context, (source, first, second) = agent_with_wallets(1_000, 500, 2)

    outcomes = run_threads(2, lambda index: transfer(context, source, (first, second)[index], 400))

    assert sorted(outcome.error_code or "ok" for outcome in outcomes) == [
        "insufficient_funds",
        "ok",
    ]
    assert AgentSpend.objects.get(owner=context.api_key.id).amount == 400


def test_rest_and_mcp_together_never_pass_the_daily_limit_and_reach_it():
    """16 threads, half over REST (a real bearer through the DRF stack), half over MCP, all with
    the same key: the limit is one counter of the key, whatever the interface."""
    context, wallets, secret = agent_with_wallets(4_000, 100_000, 16, with_secret=True)
    source, destinations = wallets[0], wallets[1:]

    def one(index: int) -> str:
        arguments = {
            "source_wallet": source.id,
            "destination_wallet": destinations[index].id,
            "amount": 500,
            "currency": "usd",
        }
        if index % 2:
            outcome = run_tool(context=context, name="create_transfer", arguments=arguments)
            return outcome.error_code or "ok"
        response = bearer_client(secret).post("/api/v1/transfers", arguments, format="json")
        return "ok" if response.status_code == 201 else response.json()["error"]["code"]

    codes = run_threads(16, one)

    assert sorted(set(codes)) == ["agent_policy_violation", "ok"]
    assert codes.count("ok") == 8  # 8 x 500 = the whole 4,000; every other call refused
    accepted = Transfer.objects.filter(merchant=context.merchant)
    assert sum(accepted.values_list("amount", flat=True)) == 4_000
    assert AgentSpend.objects.get(owner=context.api_key.id).amount == 4_000
    assert balance_of(source) == (96_000, 0)
