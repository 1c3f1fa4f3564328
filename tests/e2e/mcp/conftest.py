"""One uvicorn server per test module for the MCP e2e tests (tests/fixtures/mcp.py).

The database is flushed between tests while the server keeps running: what a server process
caches across requests must not outlive a test (the ledger's platform-account cache does; the
tests here post no entry touching a platform account through the server)."""

from collections.abc import Iterator

import pytest

from tests.fixtures.mcp import ServerProcess, running_server
from wallets import ledger


@pytest.fixture(scope="module")
def mcp_server(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[ServerProcess]:
    with django_db_blocker.unblock(), running_server(tmp_path_factory.mktemp("mcp")) as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    # The database is flushed between tests; cached platform accounts would point nowhere.
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()
