"""Webhook endpoints through the API: CRUD, URL rules (API.md §5), events validation, secrets
shown once, rotation, scopes and tenancy."""

from datetime import UTC, datetime

import pytest
import time_machine

from compliance.models import AuditEntry
from notifications.crypto import decrypt_secret
from notifications.enums import WEBHOOK_EVENT_TYPES
from notifications.models import WebhookEndpoint
from tests.conftest import bearer_client, jwt_for

pytestmark = pytest.mark.django_db

PUBLIC_IP = "93.184.215.14"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def create(client, url="http://127.0.0.1:9/hooks", events=None, **extra):
    body = {"url": url, "enabled_events": events or ["payment.succeeded"], **extra}
    return client.post("/api/v1/webhook_endpoints", body, format="json")


def assert_refused(response, param: str) -> None:
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert response.json()["error"]["param"] == param


def test_create_returns_the_secret_once_and_never_again(api, merchant):
    with time_machine.travel(NOW, tick=False):
        response = create(
            api,
            events=["payment.succeeded", "refund.created", "payment.succeeded"],
            description="orders service",
            metadata={"team": "payments"},
        )

    assert response.status_code == 201
    body = response.json()
    secret = body.pop("secret")
    assert secret.startswith("whsec_") and len(secret) > 40
    assert body == {
        "id": body["id"],
        "object": "webhook_endpoint",
        "created": "2026-11-26T12:00:00Z",
        "url": "http://127.0.0.1:9/hooks",
        "enabled_events": ["payment.succeeded", "refund.created"],
        "status": "enabled",
        "description": "orders service",
        "metadata": {"team": "payments"},
        "livemode": False,
        "disabled_at": None,
        "previous_secret_expires_at": None,
    }
    assert body["id"].startswith("we_")
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert secret not in endpoint.secret_ciphertext
    assert decrypt_secret(endpoint.secret_ciphertext, bound_to=endpoint.id) == secret
    detail = api.get(f"/api/v1/webhook_endpoints/{body['id']}")
    listing = api.get("/api/v1/webhook_endpoints")
    assert detail.json() == body
    assert listing.json()["data"] == [body]
    assert secret not in detail.content.decode() + listing.content.decode()
    audit = AuditEntry.objects.get(object_id=body["id"])
    assert audit.action == "webhook_endpoint.created"
    assert secret not in str(audit.after)


def test_star_alone_selects_every_event(api):
    response = create(api, events=["*"])

    assert response.status_code == 201
    assert response.json()["enabled_events"] == ["*"]


@pytest.mark.parametrize(
    "events",
    [["payment.exploded"], ["*", "payment.succeeded"], ["notification.created"], []],
)
def test_unknown_or_mixed_events_are_refused_with_param(api, events):
    response = api.post(
        "/api/v1/webhook_endpoints",
        {"url": "http://127.0.0.1:9/hooks", "enabled_events": events},
        format="json",
    )

    assert_refused(response, "enabled_events")
    assert WebhookEndpoint.objects.count() == 0


def test_every_known_event_type_is_accepted(api):
    response = create(api, events=list(WEBHOOK_EVENT_TYPES))

    assert response.status_code == 201
    assert response.json()["enabled_events"] == list(WEBHOOK_EVENT_TYPES)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/hooks",
        "http://example.com/hooks",  # http only to loopback in sandbox
        "https://10.0.0.8/hooks",
        "https://192.168.1.10/hooks",
        "https://169.254.169.254/latest/meta-data",
        "http://user:password@127.0.0.1:9/hooks",
        "not a url",
        "https:///nohost",
        "",
    ],
)
def test_sandbox_keys_get_400_url_for_unsafe_urls(api, url):
    assert_refused(create(api, url=url), "url")
    assert WebhookEndpoint.objects.count() == 0


def test_sandbox_keys_may_use_http_to_localhost_and_loopback(api):
    for url in ("http://localhost:8080/a", "http://127.0.0.1/b", "http://[::1]:9/c"):
        response = create(api, url=url)
        assert response.status_code == 201, (url, response.json())
        assert response.json()["livemode"] is False


@pytest.fixture
def live(client_for, merchant):
    return client_for(merchant, mode="live")


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/a",  # live needs https
        "https://127.0.0.1/a",
        "https://localhost/a",
        "https://[::1]/a",
        "https://10.1.2.3/a",
        "https://172.16.0.1/a",
        "https://169.254.169.254/latest/meta-data",
        "https://100.100.100.200/a",  # CGNAT / cloud metadata
        "https://[fd00:ec2::254]/a",
        "https://loopback.example.com/a",  # a name resolving to 127.0.0.1
        "https://metadata.example.com/a",  # a name resolving to 169.254.169.254
        "https://split.example.com/a",  # one public and one private address
        "https://nxdomain.example.com/a",
    ],
)
def test_live_keys_get_400_url_for_private_loopback_link_local_and_metadata(live, fake_dns, url):
    fake_dns.update(
        {
            "hooks.example.com": [PUBLIC_IP],
            "loopback.example.com": ["127.0.0.1"],
            "metadata.example.com": ["169.254.169.254"],
            "split.example.com": [PUBLIC_IP, "10.0.0.1"],
            "nxdomain.example.com": [],
        }
    )

    assert_refused(create(live, url=url), "url")
    assert WebhookEndpoint.objects.count() == 0


def test_live_keys_may_use_https_to_public_hosts(live, fake_dns):
    fake_dns["hooks.example.com"] = [PUBLIC_IP]

    response = create(live, url="https://hooks.example.com/stripe-like")

    assert response.status_code == 201
    assert response.json()["livemode"] is True


def test_dashboard_users_are_sandbox_until_the_merchant_has_live_keys(
    merchant, member_client, api_key_for
):
    client = member_client(merchant, role="admin")

    assert create(client, url="http://127.0.0.1:9/a").json()["livemode"] is False
    api_key_for(merchant, mode="live")
    assert_refused(create(client, url="http://127.0.0.1:9/b"), "url")


def test_update_changes_fields_and_refuses_bad_values_without_change(api):
    endpoint_id = create(api, metadata={"a": "1", "b": "2"}).json()["id"]

    updated = api.post(
        f"/api/v1/webhook_endpoints/{endpoint_id}",
        {
            "url": "http://localhost:7000/new",
            "enabled_events": ["refund.succeeded"],
            "description": "new",
            "metadata": {"a": "", "c": "3"},
        },
        format="json",
    )
    bad_url = api.post(
        f"/api/v1/webhook_endpoints/{endpoint_id}", {"url": "http://10.0.0.1/"}, format="json"
    )
    bad_events = api.post(
        f"/api/v1/webhook_endpoints/{endpoint_id}", {"enabled_events": ["nope"]}, format="json"
    )
    unknown = api.post(f"/api/v1/webhook_endpoints/{endpoint_id}", {"secret": "x"}, format="json")

    assert updated.status_code == 200
    assert updated.json()["url"] == "http://localhost:7000/new"
    assert updated.json()["enabled_events"] == ["refund.succeeded"]
    assert updated.json()["metadata"] == {"b": "2", "c": "3"}
    assert_refused(bad_url, "url")
    assert_refused(bad_events, "enabled_events")
    assert_refused(unknown, "secret")
    assert api.get(f"/api/v1/webhook_endpoints/{endpoint_id}").json() == updated.json()


def test_disable_and_enable_through_status(api):
    endpoint_id = create(api).json()["id"]
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(consecutive_failures=25)

    with time_machine.travel(NOW, tick=False):
        disabled = api.post(
            f"/api/v1/webhook_endpoints/{endpoint_id}", {"status": "disabled"}, format="json"
        )
    enabled = api.post(
        f"/api/v1/webhook_endpoints/{endpoint_id}", {"status": "enabled"}, format="json"
    )

    assert (disabled.json()["status"], disabled.json()["disabled_at"]) == (
        "disabled",
        "2026-11-26T12:00:00Z",
    )
    assert (enabled.json()["status"], enabled.json()["disabled_at"]) == ("enabled", None)
    assert WebhookEndpoint.objects.get(pk=endpoint_id).consecutive_failures == 0


def test_delete_hides_the_endpoint(api):
    endpoint_id = create(api).json()["id"]

    response = api.delete(f"/api/v1/webhook_endpoints/{endpoint_id}")

    assert response.status_code == 200
    assert response.json() == {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}
    assert api.get(f"/api/v1/webhook_endpoints/{endpoint_id}").status_code == 404
    assert api.get("/api/v1/webhook_endpoints").json()["data"] == []
    assert WebhookEndpoint.objects.get(pk=endpoint_id).status == "disabled"


def test_rotate_returns_a_new_secret_and_keeps_the_old_one_for_24_hours(api):
    created = create(api).json()
    with time_machine.travel(NOW, tick=False):
        response = api.post(f"/api/v1/webhook_endpoints/{created['id']}/rotate_secret")

    assert response.status_code == 200
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] != created["secret"]
    assert body["previous_secret_expires_at"] == "2026-11-27T12:00:00Z"
    endpoint = WebhookEndpoint.objects.get(pk=created["id"])
    assert decrypt_secret(endpoint.secret_ciphertext, bound_to=endpoint.id) == body["secret"]
    assert (
        decrypt_secret(endpoint.previous_secret_ciphertext, bound_to=endpoint.id)
        == created["secret"]
    )
    listing = api.get("/api/v1/webhook_endpoints").content.decode()
    assert body["secret"] not in listing and created["secret"] not in listing


def test_scopes_and_tenancy(merchant, other_merchant, client_for, api):
    endpoint_id = create(api).json()["id"]
    reader = client_for(merchant, scopes="webhooks:read")
    outsider = client_for(other_merchant)

    assert reader.get(f"/api/v1/webhook_endpoints/{endpoint_id}").status_code == 200
    refused = create(reader)
    assert refused.status_code == 403
    assert refused.json()["error"]["type"] == "permission_error"
    assert reader.post(f"/api/v1/webhook_endpoints/{endpoint_id}/rotate_secret").status_code == 403
    for path in ("", "/deliveries"):
        assert outsider.get(f"/api/v1/webhook_endpoints/{endpoint_id}{path}").status_code == 404
    assert outsider.delete(f"/api/v1/webhook_endpoints/{endpoint_id}").status_code == 404
    assert outsider.get("/api/v1/webhook_endpoints").json()["data"] == []


def test_platform_staff_must_name_a_merchant_to_create(staff_user, merchant):
    staff = bearer_client(jwt_for(staff_user))

    response = create(staff)

    assert_refused(response, "MCP-Payments-Merchant")
