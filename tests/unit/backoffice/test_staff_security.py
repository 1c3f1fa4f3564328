"""Back-office security: TOTP for platform staff on /admin/ and POST /api/v1/auth/token,
django-axes lockout on both, `staff_otp` and the staff login `seed_demo` prints."""

import json
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from mcp_payments.backoffice.security import current_code, staff_totp_device
from tests.conftest import PASSWORD, bearer_client
from tests.fixtures.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def otp_on(settings):
    settings.STAFF_OTP_REQUIRED = True


@pytest.fixture
def ops():
    return UserFactory(username="ops", is_staff=True, is_superuser=True)


def token(username: str, password: str = PASSWORD, **extra):
    body = {"username": username, "password": password, **extra}
    return APIClient().post("/api/v1/auth/token", body, format="json")


def code_of(user) -> str:
    return current_code(staff_totp_device(user))


def test_staff_get_a_token_only_with_the_current_code(otp_on, ops):
    missing = token("ops")
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "otp_invalid"
    assert missing.json()["error"]["param"] == "otp"
    good = token("ops", otp=code_of(ops))
    assert good.status_code == 200
    assert bearer_client(good.json()["access"]).get("/api/v1/customers").status_code == 200


def test_a_wrong_code_is_refused(otp_on, ops):
    wrong = token("ops", otp="000000" if code_of(ops) != "000000" else "111111")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "otp_invalid"


def test_a_code_works_once(otp_on, ops):
    code = code_of(ops)
    assert token("ops", otp=code).status_code == 200
    replay = token("ops", otp=code)
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "otp_invalid"


def test_merchant_users_need_no_code_until_they_enrol(otp_on, merchant):
    member = MembershipFactory(merchant=merchant, role="admin").user
    assert token(member.username).status_code == 200
    device = staff_totp_device(member)
    assert token(member.username).json()["error"]["code"] == "otp_invalid"
    assert token(member.username, otp=current_code(device)).status_code == 200


def test_staff_need_no_code_when_the_setting_is_off(settings, ops):
    settings.STAFF_OTP_REQUIRED = False
    assert token("ops").status_code == 200


def test_failed_logins_lock_the_username_out_even_with_the_right_password(settings, ops):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert token("ops", password="wrong").status_code == 401
    assert token("ops", password="wrong").status_code == 429
    locked = token("ops")
    assert locked.status_code == 429
    assert locked.json()["error"] == {
        "type": "rate_limit_error",
        "code": "login_locked_out",
        "message": "Too many failed login attempts for this username: try again later.",
        "param": None,
    }
    # The refused attempt while locked out counts too.
    assert AccessAttempt.objects.get(username="ops").failures_since_start == 4


def test_wrong_codes_count_towards_the_lockout(settings, otp_on, ops):
    settings.AXES_FAILURE_LIMIT = 2
    assert token("ops", otp="12345x").status_code == 401
    assert token("ops", otp="").status_code == 401
    assert token("ops", otp=code_of(ops)).status_code == 429


def admin_login(client: Client, username: str, password: str = PASSWORD, otp: str = ""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "otp_token": otp, "next": "/admin/"},
    )


def test_admin_login_needs_the_second_factor(otp_on, ops):
    client = Client()
    refused = admin_login(client, "ops")
    assert refused.status_code == 200
    assert "Enter the current code from your authenticator" in refused.content.decode()
    assert client.get("/admin/").status_code == 302
    accepted = admin_login(client, "ops", otp=code_of(ops))
    assert accepted.status_code == 302
    assert accepted["Location"] == "/admin/"
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "MCP Payments" in index.content.decode()


def test_a_session_without_the_second_factor_is_not_let_in(otp_on, ops):
    client = Client()
    client.force_login(ops)
    assert client.get("/admin/").status_code == 302


def test_admin_lockout_page(settings, ops):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    assert admin_login(client, "ops", password="wrong").status_code == 200
    assert admin_login(client, "ops", password="wrong").status_code == 429
    locked = admin_login(client, "ops")
    assert locked.status_code == 429
    assert "Too many failed login attempts" in locked.content.decode()
    assert client.get("/admin/").status_code == 302


def test_staff_otp_enrols_once_then_prints_the_current_code(ops):
    out = StringIO()
    call_command("staff_otp", "ops", stdout=out)
    code = out.getvalue().strip()
    device = TOTPDevice.objects.get(user=ops)
    assert device.confirmed is True
    assert code == current_code(device)
    assert len(code) == 6 and code.isdigit()
    out = StringIO()
    call_command("staff_otp", "ops", "--json", "--uri", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["username"] == "ops"
    assert printed["uri"].startswith("otpauth://totp/")
    assert TOTPDevice.objects.filter(user=ops).count() == 1


def test_staff_otp_names_an_unknown_user():
    with pytest.raises(CommandError, match="No such user: 'nobody'"):
        call_command("staff_otp", "nobody")
    assert TOTPDevice.objects.count() == 0


def test_seed_demo_prints_a_staff_login_that_works_with_its_code(otp_on):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = json.loads(out.getvalue())
    staff = get_user_model().objects.get(username=printed["staff_username"])
    assert (staff.is_staff, staff.is_superuser) == (True, True)
    assert printed["username"] == "demo" and printed["staff_username"] == "ops"
    code = StringIO()
    call_command("staff_otp", "ops", stdout=code)
    client = Client()
    response = admin_login(client, "ops", printed["staff_password"], code.getvalue().strip())
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    # The merchant's dashboard user is not staff: the back office refuses it.
    refused = admin_login(Client(), "demo", printed["password"])
    assert refused.status_code == 200
    again = json.loads(_seed())
    assert again["staff_username"] == "ops" and again["staff_password"] != printed["staff_password"]
    assert get_user_model().objects.filter(username="ops").count() == 1


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()
