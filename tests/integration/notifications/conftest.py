"""Fixtures shared by the notifications integration tests."""

from tests.integration.notifications.test_webhooks_e2e import signing_receiver  # noqa: F401
