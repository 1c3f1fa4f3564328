"""Fixtures shared by the notifications integration tests."""

import pytest

from tests.integration.notifications.test_webhooks_e2e import signing_receiver  # noqa: F401
from wallets import ledger


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    """Platform ledger accounts are cached per process; each test's database is flushed."""
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()
