"""The back office for merchants, members and keys goes through the services."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from compliance.models import AuditEntry
from mcp_payments.accounts.models import ApiKey, Membership
from tests.conftest import bearer_client
from tests.fixtures.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    user = get_user_model().objects.create_user("ops", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_branded_admin_lists_the_back_office(admin_client):
    page = admin_client.get("/admin/")
    assert page.status_code == 200
    assert "MCP Payments back office" in page.content.decode()


def test_key_created_in_admin_shows_its_secret_once_and_is_audited(admin_client, merchant):
    response = admin_client.post(
        "/admin/accounts/apikey/add/",
        {"merchant": merchant.id, "name": "ops key", "scopes": ["customers:read"]},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="ops key")
    messages = [str(m) for m in response.context["messages"]]
    secret = next(m for m in messages if "sk_test_" in m).split(": ")[-1]
    assert bearer_client(secret).get("/api/v1/customers").status_code == 200
    change_page = admin_client.get(f"/admin/accounts/apikey/{key.id}/change/").content.decode()
    assert secret not in change_page
    audit = AuditEntry.objects.get(object_id=key.id, action="api_key.created")
    assert (audit.actor_type, audit.actor_id) == ("user", f"user:{response.wsgi_request.user.pk}")

    admin_client.post(
        "/admin/accounts/apikey/", {"action": "revoke_keys", "_selected_action": [key.id]}
    )
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert bearer_client(secret).get("/api/v1/customers").status_code == 401


def test_role_change_in_admin_is_audited(admin_client, merchant):
    membership = MembershipFactory(merchant=merchant, role="viewer")
    admin_client.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        {"role": "finance"},
    )
    assert Membership.objects.get(pk=membership.pk).role == "finance"
    audit = AuditEntry.objects.get(action="membership.role_changed")
    assert (audit.before, audit.after) == ({"role": "viewer"}, {"role": "finance"})


def test_demoting_the_last_admin_in_admin_is_a_form_error_and_changes_nothing(
    admin_client, merchant
):
    only_admin = MembershipFactory(merchant=merchant, role="admin")
    audits = AuditEntry.objects.count()

    response = admin_client.post(
        f"/admin/accounts/membership/{only_admin.pk}/change/", {"role": "viewer"}
    )

    assert response.status_code == 200  # the form again, not a redirect or a 500
    assert response.context["adminform"].form.errors == {
        "role": ["A merchant keeps at least one admin: promote another member first."]
    }
    assert Membership.objects.get(pk=only_admin.pk).role == "admin"
    assert AuditEntry.objects.count() == audits


def test_membership_added_in_admin_goes_through_the_service_and_is_audited(admin_client, merchant):
    user = get_user_model().objects.create_user("newbie")

    response = admin_client.post(
        "/admin/accounts/membership/add/",
        {"user": user.pk, "merchant": merchant.id, "role": "finance"},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert (membership.merchant_id, membership.role) == (merchant.id, "finance")
    audit = AuditEntry.objects.get(action="membership.created", object_id=str(user.pk))
    assert audit.after == {"username": "newbie", "role": "finance"}


def test_members_are_removed_by_an_action_that_keeps_the_last_admin(admin_client, merchant):
    only_admin = MembershipFactory(merchant=merchant, role="admin")
    viewer = MembershipFactory(merchant=merchant, role="viewer")

    response = admin_client.post(
        "/admin/accounts/membership/",
        {"action": "remove_members", "_selected_action": [only_admin.pk, viewer.pk]},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert (
        f"{only_admin.pk}: A merchant keeps at least one admin: promote another member first."
        in messages
    )
    assert "Removed 1 object(s)." in messages
    assert list(Membership.objects.filter(merchant=merchant)) == [only_admin]
    viewer.user.refresh_from_db()
    assert viewer.user.is_active is False
    assert AuditEntry.objects.filter(action="membership.removed").count() == 1
    assert admin_client.get(f"/admin/accounts/membership/{viewer.pk}/delete/").status_code == 403
