"""API keys (API.md §1, §8): hashed, shown once, scoped, revocable."""

import hashlib

import pytest

from compliance.models import AuditEntry
from mcp_payments.accounts.models import ApiKey
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


def test_merchant_admin_creates_a_key_whose_secret_is_shown_once(merchant, member_client):
    admin = member_client(merchant, "admin")
    response = admin.post(
        "/api/v1/api_keys",
        {"name": "reporting", "scopes": ["customers:read", "events:read"]},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("sk_test_")
    assert body["object"] == "api_key"
    assert body["scopes"] == ["customers:read", "events:read"]
    assert body["redacted_secret"] == f"sk_test_…{secret[-4:]}"
    stored = ApiKey.objects.get(pk=body["id"])
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.filter(pk=body["id"]).values().get())
    listed = admin.get("/api/v1/api_keys").json()
    assert body["id"] in [key["id"] for key in listed["data"]]
    assert all("secret" not in key for key in listed["data"])
    reader = bearer_client(secret)
    assert reader.get("/api/v1/customers").status_code == 200
    assert reader.post("/api/v1/customers", {}, format="json").status_code == 403


def test_wildcard_scope_expands_and_unknown_scope_is_refused(merchant, member_client):
    admin = member_client(merchant, "admin")
    everything = admin.post("/api/v1/api_keys", {"scopes": ["*"]}, format="json").json()
    assert "payments:write" in everything["scopes"]
    refused = admin.post("/api/v1/api_keys", {"scopes": ["payments:steal"]}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["param"] == "scopes[0]"


def test_agent_policy_is_stored_and_amounts_must_be_integers(merchant, member_client):
    admin = member_client(merchant, "admin")
    bad = admin.post(
        "/api/v1/api_keys",
        {"scopes": ["payments:write"], "agent_policy": {"max_amount_per_call": "1000"}},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "agent_policy[max_amount_per_call]"
    good = admin.post(
        "/api/v1/api_keys",
        {
            "scopes": ["payments:write"],
            "agent_policy": {
                "max_amount_per_call": 5000,
                "daily_limit": {"usd": 20000},
                "approval_above": 2000,
                "allowed_tools": ["create_payment"],
                "read_only": False,
            },
        },
        format="json",
    )
    assert good.status_code == 201
    policy = good.json()["agent_policy"]
    assert policy["max_amount_per_call"] == 5000
    assert policy["daily_limit"] == {"usd": 20000}
    assert policy["approval_above"] == 2000
    assert policy["allowed_tools"] == ["create_payment"]


def test_revoked_key_stops_authenticating_and_revoking_twice_is_409(merchant, member_client):
    admin = member_client(merchant, "admin")
    created = admin.post("/api/v1/api_keys", {"scopes": ["*"]}, format="json").json()
    client = bearer_client(created["secret"])
    assert client.get("/api/v1/customers").status_code == 200
    revoked = admin.post(f"/api/v1/api_keys/{created['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/customers").status_code == 401
    again = admin.post(f"/api/v1/api_keys/{created['id']}/revoke")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "api_key_revoked"


def test_only_admins_and_staff_manage_keys(merchant, other_merchant, member_client, api):
    assert member_client(merchant, "finance").get("/api/v1/api_keys").status_code == 403
    assert api.get("/api/v1/api_keys").status_code == 403
    other_admin = member_client(other_merchant, "admin")
    mine = (
        member_client(merchant, "admin")
        .post("/api/v1/api_keys", {"scopes": ["*"]}, format="json")
        .json()
    )
    assert other_admin.post(f"/api/v1/api_keys/{mine['id']}/revoke").status_code == 404


def test_expired_agent_key_is_refused(merchant, api_key_for):
    secret = api_key_for(merchant, "*")
    ApiKey.objects.filter(merchant=merchant).update(expires_at="2000-01-01T00:00:00Z")
    assert bearer_client(secret).get("/api/v1/customers").status_code == 401


def test_roles_decide_scopes(merchant, member_client):
    viewer = member_client(merchant, "viewer")
    assert viewer.get("/api/v1/customers").status_code == 200
    assert viewer.post("/api/v1/customers", {"name": "x"}, format="json").status_code == 403
    support = member_client(merchant, "support")
    assert support.post("/api/v1/customers", {"name": "x"}, format="json").status_code == 201


def test_key_creation_and_revocation_are_audited_with_request_id_and_ip(merchant, member_client):
    admin = member_client(merchant, "admin")
    response = admin.post("/api/v1/api_keys", {"scopes": ["*"]}, format="json")
    key_id = response.json()["id"]
    created = AuditEntry.objects.get(action="api_key.created", object_id=key_id)
    assert created.merchant_id == merchant.id
    assert created.actor_type == "user"
    assert created.request_id == response["Request-Id"]
    assert created.ip == "127.0.0.1"
    assert response.json()["secret"] not in str(created.after)
    admin.post(f"/api/v1/api_keys/{key_id}/revoke")
    revoked = AuditEntry.objects.get(action="api_key.revoked", object_id=key_id)
    assert (revoked.before, revoked.after) == ({"revoked": False}, {"revoked": True})


def test_refused_key_creation_writes_no_audit_row(merchant, member_client):
    admin = member_client(merchant, "admin")
    response = admin.post("/api/v1/api_keys", {"scopes": ["nope"]}, format="json")
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(merchant_id=merchant.id).exists()
