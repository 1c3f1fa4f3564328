"""Shared fixtures: merchants, real API keys and JWTs, API clients that authenticate as a client
would (an `Authorization: Bearer` header, no forced authentication)."""

from collections.abc import Callable

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from mcp_payments.accounts.services import api_key_create
from tests.fixtures.factories import MembershipFactory, MerchantFactory, UserFactory
from tests.fixtures.journal_guard import (  # noqa: F401 (fixtures for every test)
    django_db_setup,
    journal_entries_without_events,
    journal_guard,
)

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield


@pytest.fixture
def merchant():
    return MerchantFactory()


@pytest.fixture
def other_merchant():
    return MerchantFactory()


def bearer_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def api_key_for() -> Callable[..., str]:
    def make(merchant, scopes="*", **kwargs) -> str:
        return api_key_create(merchant=merchant, scopes=scopes, context=None, **kwargs).secret

    return make


@pytest.fixture
def client_for(api_key_for) -> Callable[..., APIClient]:
    """An APIClient authenticated with a new API key of `merchant` with `scopes`."""

    def make(merchant, scopes="*", **kwargs) -> APIClient:
        return bearer_client(api_key_for(merchant, scopes, **kwargs))

    return make


@pytest.fixture
def api(merchant, client_for) -> APIClient:
    """A full-scope API client of `merchant`."""
    return client_for(merchant)


def jwt_for(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


@pytest.fixture
def member_client() -> Callable[..., APIClient]:
    """A dashboard user of `merchant` with `role`, authenticated by JWT."""

    def make(merchant, role="admin") -> APIClient:
        membership = MembershipFactory(merchant=merchant, role=role)
        return bearer_client(jwt_for(membership.user))

    return make


@pytest.fixture
def staff_user():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff_user) -> APIClient:
    return bearer_client(jwt_for(staff_user))
