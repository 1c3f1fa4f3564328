"""create_merchant, create_api_key and seed_demo print what API.md §9 says."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from mcp_payments.accounts.models import ApiKey, Membership, Merchant
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_create_merchant_prints_key_and_login_that_work():
    printed = run("create_merchant", "Acme Ltd", "--email", "ops@acme.test")
    assert set(printed) == {"merchant", "api_key", "username", "password"}
    merchant = Merchant.objects.get(pk=printed["merchant"])
    assert merchant.name == "Acme Ltd"
    assert Membership.objects.get(merchant=merchant).role == "admin"
    user = get_user_model().objects.get(username=printed["username"])
    assert user.check_password(printed["password"])
    client = bearer_client(printed["api_key"])
    assert client.post("/api/v1/customers", {"name": "x"}, format="json").status_code == 201


def test_create_merchant_with_restricted_scopes():
    printed = run("create_merchant", "Narrow", "--scopes", "customers:read")
    assert ApiKey.objects.get(merchant_id=printed["merchant"]).scopes == ["customers:read"]


def test_create_api_key_with_agent_policy(merchant):
    printed = run(
        "create_api_key",
        merchant.id,
        "--scopes",
        "payments:read payments:write",
        "--agent-policy",
        '{"max_amount_per_call": 5000, "approval_above": 1000, "daily_limit": {"usd": 9000}}',
    )
    key = ApiKey.objects.get(pk=printed["id"])
    assert printed["api_key"].startswith("sk_test_")
    assert key.scopes == ["payments:read", "payments:write"]
    assert (key.max_amount_per_call, key.approval_above, key.daily_limit) == (
        5000,
        1000,
        {"usd": 9000},
    )


@pytest.mark.parametrize(
    "args",
    [
        ("mer_missing", "--scopes", "*"),
        ("{merchant}", "--scopes", "nope:nope"),
        ("{merchant}", "--scopes", "*", "--agent-policy", "{bad json"),
        ("{merchant}", "--scopes", "*", "--agent-policy", '{"max_amount_per_call": "5"}'),
    ],
)
def test_create_api_key_refuses_bad_input(merchant, args):
    args = [merchant.id if arg == "{merchant}" else arg for arg in args]
    with pytest.raises(CommandError):
        call_command("create_api_key", *args, stdout=StringIO())
    assert not ApiKey.objects.filter(merchant=merchant).exists()


def test_seed_demo_creates_once_then_reuses_with_a_fresh_key():
    first = run("seed_demo")
    second = run("seed_demo")
    assert first["merchant"] == second["merchant"]
    assert first["api_key"] != second["api_key"]
    assert Merchant.objects.count() == 1
    assert bearer_client(first["api_key"]).get("/api/v1/customers").status_code == 401
    assert bearer_client(second["api_key"]).get("/api/v1/customers").status_code == 200
    user = get_user_model().objects.get(username=second["username"])
    assert user.check_password(second["password"])
