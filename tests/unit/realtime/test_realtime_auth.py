"""Who may open which stream: API keys, JWTs, the session cookie; 4401, 4403, 4404."""

import pytest
from django.test import Client

from tests.conftest import jwt_for
from tests.fixtures.factories import MembershipFactory
from tests.fixtures.realtime import (
    broadcast,
    event_dict,
    open_socket,
    receive_events,
    refused_with,
    run,
)

pytestmark = pytest.mark.django_db(transaction=True)


def session_headers(user, origin: bytes | None = b"http://127.0.0.1:8000") -> list:
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    headers = [(b"cookie", cookie)]
    if origin is not None:
        headers.append((b"origin", origin))
    return headers


def receives_its_event(path: str, merchant_id: str, **kwargs) -> list[dict]:
    event = event_dict("payment.succeeded", merchant_id)

    async def scenario():
        socket = await open_socket(path, **kwargs)
        await broadcast(event)
        received = await receive_events(socket, 1)
        await socket.disconnect()
        return received

    received = run(scenario)
    assert received == [event]
    return received


def test_an_api_key_with_payments_read_receives_its_merchants_payment_events(merchant, api_key_for):
    key = api_key_for(merchant, "payments:read")

    receives_its_event(f"/ws/payments?token={key}", merchant.pk)


def test_a_key_in_the_authorization_header_is_accepted(merchant, api_key_for):
    key = api_key_for(merchant, "payments:read")

    receives_its_event(
        "/ws/payments", merchant.pk, headers=[(b"authorization", f"Bearer {key}".encode())]
    )


def test_a_dashboard_users_jwt_opens_the_payments_stream(merchant):
    membership = MembershipFactory(merchant=merchant, role="viewer")

    receives_its_event(f"/ws/payments?token={jwt_for(membership.user)}", merchant.pk)


def test_the_session_cookie_authenticates_a_dashboard_user(merchant):
    membership = MembershipFactory(merchant=merchant, role="support")

    receives_its_event("/ws/payments", merchant.pk, headers=session_headers(membership.user))


def test_a_session_cookie_from_a_foreign_origin_is_refused_with_4403(merchant):
    membership = MembershipFactory(merchant=merchant, role="admin")
    headers = session_headers(membership.user, origin=b"https://evil.example")

    assert run(refused_with("/ws/payments", headers=headers)) == 4403


def test_a_session_cookie_without_origin_is_accepted(merchant):
    membership = MembershipFactory(merchant=merchant, role="admin")

    receives_its_event(
        "/ws/payments", merchant.pk, headers=session_headers(membership.user, origin=None)
    )


@pytest.mark.parametrize(
    "query", ["", "?token=", "?token=sk_test_nope", "?token=not.a.jwt", "?merchant=mer_x"]
)
def test_no_or_invalid_credentials_close_with_4401(query):
    assert run(refused_with(f"/ws/payments{query}")) == 4401


def test_a_revoked_key_closes_with_4401(merchant, api_key_for):
    from django.utils import timezone

    from mcp_payments.accounts.models import ApiKey

    key = api_key_for(merchant, "payments:read")
    ApiKey.objects.update(revoked_at=timezone.now())

    assert run(refused_with(f"/ws/payments?token={key}")) == 4401


@pytest.mark.parametrize(
    ("path", "scopes"),
    [
        ("/ws/payments", "customers:read analytics:read"),
        ("/ws/dashboard", "payments:read"),
        ("/ws/alerts", "payments:read analytics:read"),
        ("/ws/compliance", "*"),
    ],
)
def test_a_key_without_the_streams_scope_closes_with_4403(merchant, api_key_for, path, scopes):
    key = api_key_for(merchant, scopes)

    assert run(refused_with(f"{path}?token={key}")) == 4403


@pytest.mark.parametrize(
    ("path", "scopes"),
    [
        ("/ws/payments", "payments:read"),
        ("/ws/dashboard", "analytics:read"),
        ("/ws/alerts", "risk:read"),
        ("/ws/alerts", "compliance:read"),
    ],
)
def test_a_key_with_the_streams_scope_is_kept_open(merchant, api_key_for, path, scopes):
    key = api_key_for(merchant, scopes)

    async def scenario():
        socket = await open_socket(f"{path}?token={key}")
        if path == "/ws/dashboard":
            assert (await socket.receive_json_from(timeout=5))["type"] == "snapshot"
        assert await socket.receive_nothing(timeout=0.2)
        await socket.disconnect()

    run(scenario)


@pytest.mark.parametrize(("role", "code"), [("admin", 4403), ("viewer", 4403), ("finance", 4403)])
def test_the_compliance_stream_refuses_other_roles(merchant, role, code):
    membership = MembershipFactory(merchant=merchant, role=role)

    assert run(refused_with(f"/ws/compliance?token={jwt_for(membership.user)}")) == code


def test_the_compliance_role_and_platform_staff_open_the_compliance_stream(merchant, staff_user):
    officer = MembershipFactory(merchant=merchant, role="compliance").user
    event = event_dict("compliance.alert_opened", merchant.pk, {"id": "alert_1"})

    async def scenario():
        own = await open_socket(f"/ws/compliance?token={jwt_for(officer)}")
        staff = await open_socket(f"/ws/compliance?token={jwt_for(staff_user)}")
        await broadcast(event)
        received = (await receive_events(own, 1), await receive_events(staff, 1))
        await own.disconnect()
        await staff.disconnect()
        return received

    assert run(scenario) == ([event], [event])


def test_the_viewer_role_cannot_open_alerts(merchant):
    viewer = MembershipFactory(merchant=merchant, role="viewer").user

    assert run(refused_with(f"/ws/alerts?token={jwt_for(viewer)}")) == 4403


def test_another_or_unknown_merchant_closes_with_4404(merchant, other_merchant, api_key_for):
    key = api_key_for(merchant, "payments:read")

    assert run(refused_with(f"/ws/payments?token={key}&merchant={other_merchant.pk}")) == (4404)
    assert run(refused_with(f"/ws/payments?token={key}&merchant={merchant.pk}x")) == 4404


def test_staff_picking_an_unknown_merchant_closes_with_4404(staff_user):
    token = jwt_for(staff_user)

    assert run(refused_with(f"/ws/payments?token={token}&merchant=mer_nope")) == 4404


def test_an_unknown_ws_path_closes_with_4404():
    assert run(refused_with("/ws/nope")) == 4404
