import pytest

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.scopes import ALL_SCOPES
from tests.fixtures.ledger import fund_wallet
from wallets import ledger
from wallets.services.wallets import wallet_create


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


@pytest.fixture
def merchant_context(merchant):
    return AuthContext(merchant=merchant, scopes=frozenset(ALL_SCOPES))


@pytest.fixture
def make_wallet(merchant_context):
    def make(balance: int = 0, currency: str = "usd", context=None):
        wallet = wallet_create(context=context or merchant_context, currency=currency)
        if balance:
            fund_wallet(wallet, balance)
        return wallet

    return make
