"""Idempotency-Key semantics of API.md §1, against the real PostgreSQL."""

import pytest

from mcp_payments.api.models import IdempotencyRecord
from mcp_payments.api.tasks import purge_expired_idempotency_keys
from mcp_payments.events.models import Event
from payments.models import Customer
from tests.conftest import bearer_client
from tests.fixtures.threads import run_threads


def test_same_key_same_request_replays_without_second_effect(db, api):
    first = api.post("/api/v1/customers", {"name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    second = api.post(
        "/api/v1/customers", {"name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == 201
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Customer.objects.count() == 1
    assert Event.objects.filter(type="customer.created").count() == 1


def test_key_order_in_body_does_not_matter(db, api):
    body_a = '{"name": "Ada", "email": "ada@example.com"}'
    body_b = '{"email":"ada@example.com","name":"Ada"}'
    first = api.post(
        "/api/v1/customers", body_a, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    second = api.post(
        "/api/v1/customers", body_b, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert second.json()["id"] == first.json()["id"]


def test_same_key_different_body_is_422(db, api):
    api.post("/api/v1/customers", {"name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    response = api.post(
        "/api/v1/customers", {"name": "Bob"}, format="json", HTTP_IDEMPOTENCY_KEY="k2"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert response.json()["error"]["type"] == "idempotency_error"
    assert Customer.objects.count() == 1


def test_same_key_different_path_is_422(db, api):
    created = api.post(
        "/api/v1/customers", {"name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY="k3"
    ).json()
    response = api.post(
        f"/api/v1/customers/{created['id']}",
        {"name": "Ada"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k3",
    )
    assert response.status_code == 422


def test_key_in_use_is_409(db, api, merchant):
    claimed = api.post(
        "/api/v1/customers", {"name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY="busy"
    )
    assert claimed.status_code == 201
    # Given the first request is still running (its record not completed yet)
    IdempotencyRecord.objects.filter(key="busy").update(state="in_progress")
    response = api.post(
        "/api/v1/customers", {"name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY="busy"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_use"
    assert Customer.objects.count() == 1


def test_keys_are_scoped_per_merchant(db, client_for, merchant, other_merchant):
    a = client_for(merchant).post(
        "/api/v1/customers", {"name": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    b = client_for(other_merchant).post(
        "/api/v1/customers", {"name": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


def test_validation_failures_leave_no_record(db, api):
    response = api.post(
        "/api/v1/customers", {"name": 5, "bogus": 1}, format="json", HTTP_IDEMPOTENCY_KEY="bad"
    )
    assert response.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    retried = api.post(
        "/api/v1/customers", {"name": "fixed"}, format="json", HTTP_IDEMPOTENCY_KEY="bad"
    )
    assert retried.status_code == 201


def test_over_long_key_is_400(db, api):
    response = api.post(
        "/api/v1/customers", {"name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "Idempotency-Key"
    assert not Customer.objects.exists()


def test_expired_records_are_purged_by_the_beat_job(db, api, time_machine):
    time_machine.move_to("2026-01-01T00:00:00Z")
    api.post("/api/v1/customers", {"name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    time_machine.move_to("2026-01-02T00:00:01Z")
    api.post("/api/v1/customers", {"name": "Bob"}, format="json", HTTP_IDEMPOTENCY_KEY="new")
    assert purge_expired_idempotency_keys.apply().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_same_key_requests_create_exactly_one_customer(api_key_for, merchant):
    secret = api_key_for(merchant)

    def send(index: int) -> tuple[int, dict]:
        response = bearer_client(secret).post(
            "/api/v1/customers", {"name": "Ada"}, format="json", HTTP_IDEMPOTENCY_KEY="race"
        )
        return response.status_code, response.json()

    responses = run_threads(10, send)

    assert Customer.objects.count() == 1
    assert Event.objects.filter(type="customer.created").count() == 1
    statuses = sorted(status for status, _ in responses)
    assert len(statuses) == 10
    assert set(statuses) <= {201, 409}
    assert statuses.count(201) >= 1
    created_id = Customer.objects.get().id
    assert all(body["id"] == created_id for status, body in responses if status == 201)
    assert all(
        body["error"]["code"] == "idempotency_key_in_use"
        for status, body in responses
        if status == 409
    )


def test_secrets_shown_once_are_not_kept_in_the_idempotency_store(db, merchant, member_client):
    admin = member_client(merchant, "admin")
    first = admin.post(
        "/api/v1/api_keys", {"scopes": ["*"]}, format="json", HTTP_IDEMPOTENCY_KEY="key-1"
    )
    replay = admin.post(
        "/api/v1/api_keys", {"scopes": ["*"]}, format="json", HTTP_IDEMPOTENCY_KEY="key-1"
    )
    secret = first.json()["secret"]
    assert secret.startswith("sk_test_")
    assert replay.json()["id"] == first.json()["id"]
    assert replay.json()["secret"] == "[shown once; not replayed]"
    stored = IdempotencyRecord.objects.get(key="key-1")
    assert secret not in str(stored.response_body)
