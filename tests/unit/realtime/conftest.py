"""The realtime unit tests run on an in-memory channel layer (tests/fixtures/realtime.py has
the helpers)."""

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def _realtime_settings():
    with override_settings(
        CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
        REALTIME_HEARTBEAT_SECONDS=3600,
        REALTIME_DASHBOARD_INTERVAL_MS=100,
    ):
        yield
