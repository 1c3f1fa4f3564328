"""The realtime e2e tests start their server, relay and consumer with the integration tests'
process fixture (stopped at the end of each test, even when it fails)."""

from tests.fixtures.events import broker, events_namespace  # noqa: F401
from tests.integration.conftest import processes  # noqa: F401
