import pytest

from wallets import ledger


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    # Tests roll their rows back; cached platform accounts would point nowhere.
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()
