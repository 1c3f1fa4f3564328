"""Analytics fixtures (helpers in tests/fixtures/timed_payments.py)."""

import pytest

from tests.fixtures.timed_payments import (  # noqa: F401 (re-exported for the tests)
    at,
    customer,
    deliver_shuffled,
    pay,
    published_events,
)
from wallets import ledger


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()
