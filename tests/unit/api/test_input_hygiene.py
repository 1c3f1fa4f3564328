"""Input hygiene at the edge (issue #12): NUL and unpaired surrogates (what PostgreSQL cannot
store) are refused once, in the API kernel, with `400 parameter_invalid` and the exact `param`,
wherever they appear (query parameter, path id, JSON key or value); strings, booleans and enums
take their JSON type only. A refused request changes nothing."""

import json

import pytest

from compliance.models import AuditEntry
from mcp_payments.accounts.models import ApiKey
from mcp_payments.events.models import Event
from payments.models import Customer

pytestmark = pytest.mark.django_db


def assert_refused(response, param: str, code: str = "parameter_invalid") -> dict:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["type"], error["code"], error["param"]) == ("invalid_request_error", code, param)
    return error


def counts() -> tuple[int, int, int, int]:
    return (
        Customer.objects.count(),
        Event.objects.count(),
        AuditEntry.objects.count(),
        ApiKey.objects.count(),
    )


@pytest.mark.parametrize(
    ("path", "params", "param"),
    [
        ("/api/v1/customers", {"email": "a\x00b"}, "email"),
        ("/api/v1/customers", {"starting_after": "cus_\x00"}, "starting_after"),
        ("/api/v1/customers", {"created[gte]": "1\x00"}, "created[gte]"),
        ("/api/v1/payments", {"status": "a\x00"}, "status"),
        ("/api/v1/events", {"type": "a\x00"}, "type"),
        ("/api/v1/disputes", {"status": "\x00"}, "status"),
        ("/api/v1/payouts", {"status": "a\x00"}, "status"),
        ("/api/v1/agent_approvals", {"status": "\x00"}, "status"),
        ("/api/v1/webhook_endpoints", {"status": "\x00"}, "status"),
    ],
)
def test_non_text_in_a_query_parameter_is_refused_with_its_name(api, path, params, param):
    error = assert_refused(api.get(path, params), param)
    assert error["message"] == (
        f"Invalid value for {param}: NUL characters and unpaired surrogates are not accepted."
    )


def test_a_non_text_parameter_name_is_refused_escaped(api):
    response = api.get("/api/v1/customers", QUERY_STRING="e%00mail=x")
    assert_refused(response, "e\\u0000mail")


def test_non_text_in_a_path_id_is_refused_as_id(api):
    assert_refused(api.get("/api/v1/customers/cus_a%00b"), "id")
    assert_refused(api.post("/api/v1/payments/pay_%00/confirm", {}, format="json"), "id")


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ('{"metadata": {"note": "a\\u0000b"}}', "metadata[note]"),
        ('{"metadata": {"a\\u0000": "b"}}', "metadata[a\\u0000]"),
        ('{"metadata": {"k": "x\\ud800y"}}', "metadata[k]"),
        ('{"name": "Ada", "description": "line\\u0000break"}', "description"),
        ('{"name": "\\udfff"}', "name"),
    ],
)
def test_non_text_in_a_json_key_or_value_is_refused_and_nothing_is_written(api, body, param):
    before = counts()

    response = api.post("/api/v1/customers", body, content_type="application/json")

    assert_refused(response, param)
    assert counts() == before


def test_control_characters_and_ordinary_unicode_are_text(api):
    body = {"name": "Zoë 李", "description": "two\tcolumns\x07\nand lines", "metadata": {"k": "✓"}}
    response = api.post("/api/v1/customers", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["description"] == "two\tcolumns\x07\nand lines"


@pytest.mark.parametrize(
    ("path", "body", "param", "message"),
    [
        ("/api/v1/customers", {"description": 0}, "description", "must be a string."),
        ("/api/v1/customers", {"name": True}, "name", "must be a string."),
        ("/api/v1/api_keys", {"name": 0, "scopes": ["*"]}, "name", "must be a string."),
        (
            "/api/v1/api_keys",
            {"scopes": ["*"], "agent_policy": {"read_only": "true"}},
            "agent_policy[read_only]",
            "must be a boolean (true or false).",
        ),
        ("/api/v1/api_keys", {"scopes": [1]}, "scopes[0]", "must be a string."),
    ],
)
def test_strings_and_booleans_take_their_json_type_only(
    merchant, member_client, path, body, param, message
):
    admin = member_client(merchant, "admin")  # API keys are managed by merchant admins
    before = counts()

    response = admin.post(path, json.dumps(body), content_type="application/json")

    error = assert_refused(response, param)
    assert error["message"] == f"Invalid value: {message}"
    assert counts() == before


def test_an_unknown_enum_value_names_the_allowed_values(merchant, member_client):
    admin = member_client(merchant, "admin")
    before = counts()

    response = admin.post("/api/v1/api_keys", {"scopes": ["payments:nope"]}, format="json")

    error = assert_refused(response, "scopes[0]")
    assert error["message"].startswith("Invalid value: 'payments:nope' is not one of: *, ")
    assert "payments:read" in error["message"]
    assert counts() == before
