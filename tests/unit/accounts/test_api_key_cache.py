"""The per-process cache of active API keys (mcp_payments.accounts.selectors): a warm key costs
no database round trip, a key revoked in this process fails at once, and one revoked by another
process (a plain UPDATE here, which the cache does not see) fails within API_KEY_CACHE_SECONDS,
under 1 s (API.md), over REST too."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mcp_payments.accounts.models import ApiKey
from mcp_payments.accounts.selectors import _ACTIVE_KEYS, api_key_context
from mcp_payments.accounts.services import api_key_create, api_key_revoke
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.API_KEY_CACHE_SECONDS = 0.5
    _ACTIVE_KEYS.clear()
    yield
    _ACTIVE_KEYS.clear()


def test_a_warm_key_is_authenticated_without_a_query(cached, merchant):
    secret = api_key_create(merchant=merchant, scopes="*", context=None).secret
    first = api_key_context(secret)
    with CaptureQueriesContext(connection) as queries:
        again = api_key_context(secret)
    assert len(queries) == 0
    assert (again.api_key.pk, again.merchant.pk) == (first.api_key.pk, merchant.pk)
    assert again.scopes == first.scopes


def test_the_cache_is_off_when_the_setting_is_zero(settings, merchant):
    settings.API_KEY_CACHE_SECONDS = 0
    secret = api_key_create(merchant=merchant, scopes="*", context=None).secret
    api_key_context(secret)
    with CaptureQueriesContext(connection) as queries:
        assert api_key_context(secret) is not None
    assert len(queries) == 1


def test_a_key_revoked_in_this_process_fails_at_once(cached, merchant):
    created = api_key_create(merchant=merchant, scopes="*", context=None)
    assert api_key_context(created.secret) is not None
    api_key_revoke(key=created.key, context=None)
    assert api_key_context(created.secret) is None


def test_a_cached_key_that_expires_fails_at_once(cached, merchant):
    created = api_key_create(merchant=merchant, scopes="*", context=None)
    ApiKey.objects.filter(pk=created.key.pk).update(
        expires_at=timezone.now() + timedelta(milliseconds=200)
    )
    assert api_key_context(created.secret) is not None  # read now, cached for 0.5 s
    time.sleep(0.25)
    assert api_key_context(created.secret) is None  # still cached, and expired


def test_a_key_revoked_by_another_process_fails_over_rest_within_one_second(cached, merchant):
    created = api_key_create(merchant=merchant, scopes="*", context=None)
    client = bearer_client(created.secret)
    assert client.get("/api/v1/customers").status_code == 200
    # Another process revokes it: this process's cache is not told.
    ApiKey.objects.filter(pk=created.key.pk).update(revoked_at=timezone.now())
    revoked_at = time.monotonic()
    while (status := client.get("/api/v1/customers").status_code) == 200:
        assert time.monotonic() - revoked_at < 1.0
        time.sleep(0.02)
    assert status == 401
    assert time.monotonic() - revoked_at < 1.0
