"""Team management (API.md: `/team/members`): merchant admins add members, change roles and
remove them; the last admin stays; every change is audited."""

import pytest
from django.contrib.auth import get_user_model

from compliance.models import AuditEntry
from mcp_payments.accounts.models import Membership
from tests.conftest import bearer_client, jwt_for
from tests.fixtures.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _admin(merchant):
    membership = MembershipFactory(merchant=merchant, role="admin")
    return membership, bearer_client(jwt_for(membership.user))


def test_admin_adds_a_member_whose_password_works_once_shown(merchant):
    _, admin = _admin(merchant)
    response = admin.post(
        "/api/v1/team/members",
        {"username": "fin.ops", "email": "fin@example.com", "role": "finance"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["object"] == "team_member"
    assert (body["username"], body["email"], body["role"]) == (
        "fin.ops",
        "fin@example.com",
        "finance",
    )
    assert len(body["password"]) == 20
    token = bearer_client("").post(
        "/api/v1/auth/token", {"username": "fin.ops", "password": body["password"]}, format="json"
    )
    assert token.status_code == 200
    listed = admin.get("/api/v1/team/members").json()
    assert sorted(m["username"] for m in listed["data"]) == sorted(
        ["fin.ops", Membership.objects.get(role="admin", merchant=merchant).user.username]
    )
    assert all("password" not in m for m in listed["data"])
    audit = AuditEntry.objects.get(action="membership.created")
    assert audit.merchant_id == merchant.id
    assert audit.after == {"username": "fin.ops", "role": "finance"}


def test_unknown_role_is_a_400_on_role_and_changes_nothing(merchant):
    admin_membership, admin = _admin(merchant)
    users_before = get_user_model().objects.count()
    audits_before = AuditEntry.objects.count()
    created = admin.post("/api/v1/team/members", {"username": "x", "role": "owner"}, format="json")
    assert created.status_code == 400
    assert created.json()["error"]["param"] == "role"
    changed = admin.post(
        f"/api/v1/team/members/{admin_membership.pk}", {"role": "superuser"}, format="json"
    )
    assert changed.status_code == 400
    assert changed.json()["error"]["param"] == "role"
    assert get_user_model().objects.count() == users_before
    assert AuditEntry.objects.count() == audits_before
    admin_membership.refresh_from_db()
    assert admin_membership.role == "admin"


def test_role_change_is_audited_and_takes_effect(merchant):
    _, admin = _admin(merchant)
    member = MembershipFactory(merchant=merchant, role="viewer")
    response = admin.post(f"/api/v1/team/members/{member.pk}", {"role": "support"}, format="json")
    assert response.status_code == 200
    assert response.json()["role"] == "support"
    member.refresh_from_db()
    assert member.role == "support"
    audit = AuditEntry.objects.get(action="membership.role_changed")
    assert (audit.before, audit.after) == ({"role": "viewer"}, {"role": "support"})


def test_the_last_admin_cannot_be_demoted_or_removed(merchant):
    admin_membership, admin = _admin(merchant)
    audits_before = AuditEntry.objects.count()
    for body in ({"role": "viewer"}, {"remove": True}):
        refused = admin.post(f"/api/v1/team/members/{admin_membership.pk}", body, format="json")
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "last_admin"
    admin_membership.refresh_from_db()
    assert admin_membership.role == "admin"
    assert AuditEntry.objects.count() == audits_before
    second = MembershipFactory(merchant=merchant, role="admin")
    demoted = admin.post(
        f"/api/v1/team/members/{admin_membership.pk}", {"role": "viewer"}, format="json"
    )
    assert demoted.status_code == 200
    second_client = bearer_client(jwt_for(second.user))
    refused = second_client.post(
        f"/api/v1/team/members/{second.pk}", {"remove": True}, format="json"
    )
    assert refused.json()["error"]["code"] == "last_admin"


def test_removal_deactivates_the_user_and_is_audited(merchant):
    _, admin = _admin(merchant)
    member = MembershipFactory(merchant=merchant, role="finance")
    member_client = bearer_client(jwt_for(member.user))
    assert member_client.get("/api/v1/payments").status_code == 200
    response = admin.post(f"/api/v1/team/members/{member.pk}", {"remove": True}, format="json")
    assert response.status_code == 200
    assert response.json()["deleted"] is True
    assert not Membership.objects.filter(pk=member.pk).exists()
    member.user.refresh_from_db()
    assert member.user.is_active is False
    assert member_client.get("/api/v1/payments").status_code == 401
    audit = AuditEntry.objects.get(action="membership.removed")
    assert audit.before == {"username": member.user.username, "role": "finance"}


def test_non_admins_api_keys_and_other_merchants_cannot_manage_the_team(
    merchant, other_merchant, member_client, client_for
):
    finance = member_client(merchant, "finance")
    assert finance.get("/api/v1/team/members").status_code == 403
    assert client_for(merchant).get("/api/v1/team/members").status_code == 403
    stranger = MembershipFactory(merchant=other_merchant, role="viewer")
    _, admin = _admin(merchant)
    response = admin.post(f"/api/v1/team/members/{stranger.pk}", {"role": "admin"}, format="json")
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == "viewer"


def test_taken_username_and_ambiguous_update_are_refused(merchant):
    admin_membership, admin = _admin(merchant)
    taken = admin.post(
        "/api/v1/team/members",
        {"username": admin_membership.user.username.upper(), "role": "viewer"},
        format="json",
    )
    assert taken.status_code == 409
    assert taken.json()["error"]["param"] == "username"
    both = admin.post(
        f"/api/v1/team/members/{admin_membership.pk}",
        {"role": "viewer", "remove": True},
        format="json",
    )
    assert both.status_code == 400
    assert both.json()["error"]["param"] == "role"


def test_team_me_tells_the_dashboard_who_is_calling(merchant, member_client, client_for):
    viewer = member_client(merchant, "viewer")
    body = viewer.get("/api/v1/team/me").json()
    assert body["object"] == "actor"
    assert (body["actor_type"], body["role"], body["merchant"]) == ("user", "viewer", merchant.id)
    assert body["is_platform_staff"] is False
    assert "payments:write" not in body["scopes"]
    assert "payments:read" in body["scopes"]
    key_body = client_for(merchant, ["events:read"]).get("/api/v1/team/me").json()
    assert (key_body["actor_type"], key_body["role"], key_body["scopes"]) == (
        "api_key",
        None,
        ["events:read"],
    )
    assert bearer_client("nope").get("/api/v1/team/me").status_code == 401
