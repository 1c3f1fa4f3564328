"""Every error DRF or Django can raise comes back as the API.md §1 envelope, never HTML."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def assert_envelope(response, status, type_, code, param=None):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["type"] == type_
    assert body["error"]["code"] == code
    assert body["error"]["param"] == param
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def test_malformed_json_is_400(api):
    response = api.post("/api/v1/customers", data="{not json", content_type="application/json")
    assert_envelope(response, 400, "invalid_request_error", "invalid_json")


def test_non_object_json_is_400(api):
    response = api.post("/api/v1/customers", data="[1, 2]", content_type="application/json")
    assert_envelope(response, 400, "invalid_request_error", "invalid_json")


def test_unknown_field_names_the_param(api):
    response = api.post("/api/v1/customers", {"name": "Ada", "nmae": "x"}, format="json")
    assert_envelope(response, 400, "invalid_request_error", "parameter_unknown", "nmae")


def test_wrong_type_names_the_param(api):
    response = api.post("/api/v1/customers", {"email": 42}, format="json")
    assert_envelope(response, 400, "invalid_request_error", "parameter_invalid", "email")


def test_over_long_string_names_the_param(api):
    response = api.post("/api/v1/customers", {"name": "x" * 257}, format="json")
    assert_envelope(response, 400, "invalid_request_error", "parameter_too_long", "name")


def test_metadata_beyond_limits_is_refused(api):
    too_many = {f"k{i}": "v" for i in range(51)}
    response = api.post("/api/v1/customers", {"metadata": too_many}, format="json")
    assert_envelope(response, 400, "invalid_request_error", "metadata_invalid", "metadata")
    long_key = {"k" * 41: "v"}
    response = api.post("/api/v1/customers", {"metadata": long_key}, format="json")
    assert_envelope(
        response, 400, "invalid_request_error", "metadata_invalid", f"metadata[{'k' * 41}]"
    )
    response = api.post("/api/v1/customers", {"metadata": {"a": 1}}, format="json")
    assert_envelope(response, 400, "invalid_request_error", "metadata_invalid", "metadata[a]")


def test_limit_out_of_range_is_400(api):
    for limit in ("0", "101", "ten"):
        response = api.get(f"/api/v1/customers?limit={limit}")
        assert_envelope(response, 400, "invalid_request_error", "parameter_invalid", "limit")


def test_missing_credentials_is_401():
    response = APIClient().get("/api/v1/customers")
    assert_envelope(response, 401, "authentication_error", "authentication_required")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_invalid_key_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer sk_test_doesnotexist")
    response = client.get("/api/v1/customers")
    assert_envelope(response, 401, "authentication_error", "invalid_credentials")


def test_invalid_jwt_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    response = client.get("/api/v1/customers")
    assert_envelope(response, 401, "authentication_error", "invalid_credentials")


def test_missing_scope_is_403(merchant, client_for):
    client = client_for(merchant, "customers:read")
    response = client.post("/api/v1/customers", {"name": "Ada"}, format="json")
    error = assert_envelope(response, 403, "permission_error", "permission_denied")
    assert "customers:write" in error["message"]


def test_unknown_url_is_404_json(api):
    response = api.get("/api/v1/no_such_thing")
    assert_envelope(response, 404, "invalid_request_error", "resource_missing")


def test_unknown_id_is_404(api):
    response = api.get("/api/v1/customers/cus_01JXXXXXXXXXXXXXXXXXXXXXXX")
    assert_envelope(response, 404, "invalid_request_error", "resource_missing", "id")


def test_wrong_method_is_405(api):
    response = api.put("/api/v1/customers", {"name": "Ada"}, format="json")
    assert_envelope(response, 405, "invalid_request_error", "method_not_allowed")


def test_wrong_media_type_is_415(api):
    response = api.post("/api/v1/customers", data="name=Ada", content_type="text/plain")
    assert_envelope(response, 415, "invalid_request_error", "unsupported_media_type")


def test_rate_limit_is_429_with_retry_after(api, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    assert api.get("/api/v1/customers").status_code == 200
    assert api.get("/api/v1/customers").status_code == 200
    response = api.get("/api/v1/customers")
    assert_envelope(response, 429, "rate_limit_error", "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_crash_is_500_envelope_without_details(api, settings):
    settings.ROOT_URLCONF = "tests.fixtures.crash_urls"
    response = api.get("/api/v1/crash")
    error = assert_envelope(response, 500, "api_error", "internal_error")
    assert "secret internal detail" not in response.content.decode()
    assert "Traceback" not in error["message"]


def test_every_response_carries_a_request_id(api):
    response = api.get("/api/v1/customers")
    assert response["Request-Id"].startswith("req_")
    response = api.get("/api/v1/customers", HTTP_X_REQUEST_ID="client-123")
    assert response["Request-Id"] == "client-123"
