"""Revocation reaches open sockets: a revoked key, an expired JWT or a deactivated user closes
its WebSockets with 4401 within 5 s (here the re-check runs every second)."""

import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from mcp_payments.accounts.models import ApiKey
from mcp_payments.accounts.services import api_key_create, api_key_revoke
from tests.fixtures.factories import MembershipFactory
from tests.fixtures.realtime import close_code, open_socket, run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _recheck_every_second():
    with override_settings(REALTIME_AUTH_RECHECK_SECONDS=1):
        yield


def closes_within(path: str, change, seconds: float = 5.0) -> tuple[int, float]:
    async def scenario():
        socket = await open_socket(path)
        assert await socket.receive_nothing(timeout=0.2)
        started = time.monotonic()
        await sync_to_async(change)()
        code = await close_code(socket)
        return code, time.monotonic() - started

    return run(scenario)


def test_a_revoked_keys_socket_closes_with_4401(merchant):
    created = api_key_create(merchant=merchant, scopes="payments:read", context=None)

    code, elapsed = closes_within(
        f"/ws/payments?token={created.secret}",
        lambda: api_key_revoke(context=None, key=ApiKey.objects.get(pk=created.key.pk)),
    )

    assert code == 4401
    assert elapsed < 5


def test_an_expired_jwts_socket_closes_with_4401(merchant):
    user = MembershipFactory(merchant=merchant, role="admin").user
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=timedelta(seconds=2))

    code, elapsed = closes_within(f"/ws/payments?token={token}", lambda: None)

    assert code == 4401
    assert elapsed < 5


def test_a_key_expiring_while_open_closes_with_4401(merchant):
    created = api_key_create(merchant=merchant, scopes="payments:read", context=None)

    code, elapsed = closes_within(
        f"/ws/payments?token={created.secret}",
        lambda: ApiKey.objects.filter(pk=created.key.pk).update(expires_at=timezone.now()),
    )

    assert (code, elapsed < 5) == (4401, True)
