"""Dashboard login: JWT pair and refresh, errors in the envelope."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, bearer_client
from tests.fixtures.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_member_gets_a_token_pair_that_authenticates(merchant):
    membership = MembershipFactory(merchant=merchant, role="admin")
    response = APIClient().post(
        "/api/v1/auth/token",
        {"username": membership.user.username, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    tokens = response.json()
    assert set(tokens) == {"access", "refresh"}
    assert bearer_client(tokens["access"]).get("/api/v1/customers").status_code == 200
    refreshed = APIClient().post(
        "/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json"
    )
    assert refreshed.status_code == 200
    assert "access" in refreshed.json()


def test_wrong_password_is_401_envelope(merchant):
    membership = MembershipFactory(merchant=merchant)
    response = APIClient().post(
        "/api/v1/auth/token",
        {"username": membership.user.username, "password": "nope"},
        format="json",
    )
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"


def test_missing_password_is_400_with_param():
    response = APIClient().post("/api/v1/auth/token", {"username": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "password"


def test_bad_refresh_token_is_401():
    response = APIClient().post("/api/v1/auth/token/refresh", {"refresh": "x"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_user_without_membership_has_no_api_access():
    from tests.conftest import jwt_for

    user = UserFactory()
    response = bearer_client(jwt_for(user)).get("/api/v1/customers")
    assert response.status_code == 401
