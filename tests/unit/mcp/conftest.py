"""MCP tool calls run in-process through the same path the transports use
(`mcp_payments.mcp.execution.run_tool`), as real API keys with real agent policies."""

from collections.abc import Callable
from typing import Any

import pytest

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.selectors import api_key_context
from mcp_payments.accounts.services import AgentPolicy, api_key_create
from mcp_payments.mcp.execution import ToolOutcome, run_tool
from tests.fixtures.ledger import fund_wallet
from wallets import ledger
from wallets.models import Wallet
from wallets.services.wallets import wallet_create


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


@pytest.fixture
def agent() -> Callable[..., AuthContext]:
    """The context of a new API key of `merchant` with `scopes` and an agent policy."""

    def make(merchant, scopes: str = "*", **policy: Any) -> AuthContext:
        secret = api_key_create(
            merchant=merchant, scopes=scopes, policy=AgentPolicy(**policy), context=None
        ).secret
        context = api_key_context(secret)
        assert context is not None
        return context

    return make


@pytest.fixture
def call() -> Callable[..., ToolOutcome]:
    def invoke(context: AuthContext, name: str, arguments: dict[str, Any] | None = None):
        return run_tool(context=context, name=name, arguments=arguments or {})

    return invoke


@pytest.fixture
def funded_wallets(merchant) -> Callable[..., tuple[Wallet, Wallet]]:
    """(source with `balance`, empty destination), in `currency`."""

    def make(balance: int = 10_000, currency: str = "usd") -> tuple[Wallet, Wallet]:
        context = AuthContext(merchant=merchant, scopes=frozenset({"wallets:write"}))
        source = wallet_create(context=context, currency=currency)
        destination = wallet_create(context=context, currency=currency)
        fund_wallet(source, balance)
        return source, destination

    return make
