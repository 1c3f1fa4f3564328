"""Customers: the first full resource, through the HTTP API."""

import pytest

from mcp_payments.events.models import Event
from payments.models import Customer
from tests.fixtures.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_create_returns_201_with_the_object_and_writes_its_event(api, merchant):
    response = api.post(
        "/api/v1/customers",
        {"name": "Ada Lovelace", "email": "ada@example.com", "metadata": {"tier": "gold"}},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["object"] == "customer"
    assert body["id"].startswith("cus_")
    assert body["name"] == "Ada Lovelace"
    assert body["email"] == "ada@example.com"
    assert body["phone"] is None
    assert body["metadata"] == {"tier": "gold"}
    assert body["deleted"] is False
    assert body["created"].endswith("Z")
    event = Event.objects.get(object_id=body["id"])
    assert event.type == "customer.created"
    assert event.merchant_id == merchant.id
    assert event.data == {"object": body}


def test_retrieve_and_list_newest_first_with_cursor(api, merchant):
    ids = [CustomerFactory(merchant=merchant).id for _ in range(3)]
    page = api.get("/api/v1/customers?limit=2").json()
    assert page["object"] == "list"
    assert [c["id"] for c in page["data"]] == [ids[2], ids[1]]
    assert page["has_more"] is True
    assert page["next_cursor"] == ids[1]
    rest = api.get(f"/api/v1/customers?limit=2&starting_after={page['next_cursor']}").json()
    assert [c["id"] for c in rest["data"]] == [ids[0]]
    assert rest["has_more"] is False
    assert rest["next_cursor"] is None
    assert api.get(f"/api/v1/customers/{ids[0]}").json()["id"] == ids[0]


def test_list_filters_by_email_and_created(api, merchant):
    CustomerFactory(merchant=merchant, email="a@example.com")
    wanted = CustomerFactory(merchant=merchant, email="b@example.com")
    page = api.get("/api/v1/customers?email=b@example.com").json()
    assert [c["id"] for c in page["data"]] == [wanted.id]
    assert api.get("/api/v1/customers?created[lt]=0").json()["data"] == []
    response = api.get("/api/v1/customers?created[gte]=yesterday")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "created[gte]"


def test_update_changes_fields_merges_metadata_and_emits_previous_attributes(api, merchant):
    customer = CustomerFactory(merchant=merchant, name="Ada", metadata={"a": "1", "b": "2"})
    response = api.post(
        f"/api/v1/customers/{customer.id}",
        {"name": "Ada L.", "metadata": {"b": "", "c": "3"}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Ada L."
    assert response.json()["metadata"] == {"a": "1", "c": "3"}
    event = Event.objects.get(type="customer.updated")
    assert event.data["previous_attributes"] == {"name": "Ada", "metadata": {"a": "1", "b": "2"}}


def test_update_without_changes_emits_nothing(api, merchant):
    customer = CustomerFactory(merchant=merchant, name="Ada")
    response = api.post(f"/api/v1/customers/{customer.id}", {"name": "Ada"}, format="json")
    assert response.status_code == 200
    assert not Event.objects.filter(type="customer.updated").exists()


def test_delete_redacts_pii_keeps_the_row_and_emits(api, merchant):
    customer = CustomerFactory(merchant=merchant, name="Ada", email="ada@example.com")
    response = api.delete(f"/api/v1/customers/{customer.id}")
    assert response.status_code == 200
    assert response.json() == {"id": customer.id, "object": "customer", "deleted": True}
    customer.refresh_from_db()
    assert (customer.name, customer.email, customer.phone, customer.metadata) == (
        None,
        None,
        None,
        {},
    )
    assert customer.deleted_at is not None
    assert Event.objects.filter(type="customer.deleted", object_id=customer.id).count() == 1
    assert api.get("/api/v1/customers").json()["data"] == []
    assert api.get(f"/api/v1/customers/{customer.id}").json()["deleted"] is True
    again = api.delete(f"/api/v1/customers/{customer.id}")
    assert again.status_code == 404
    update = api.post(f"/api/v1/customers/{customer.id}", {"name": "x"}, format="json")
    assert update.status_code == 404


def test_another_merchants_customer_is_indistinguishable_from_a_missing_one(
    merchant, other_merchant, client_for
):
    theirs = CustomerFactory(merchant=other_merchant)
    client = client_for(merchant)
    foreign = client.get(f"/api/v1/customers/{theirs.id}")
    missing_id = "cus_" + theirs.id[4:-1] + ("0" if theirs.id[-1] != "0" else "1")
    missing = client.get(f"/api/v1/customers/{missing_id}")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["error"]["message"].replace(theirs.id, "X") == missing.json()["error"][
        "message"
    ].replace(missing_id, "X")
    update = client.post(f"/api/v1/customers/{theirs.id}", {"name": "x"}, format="json")
    assert update.status_code == 404
    assert client.delete(f"/api/v1/customers/{theirs.id}").status_code == 404
    assert client.get("/api/v1/customers").json()["data"] == []
    theirs.refresh_from_db()
    assert theirs.deleted_at is None


def test_refused_request_writes_nothing(api):
    response = api.post(
        "/api/v1/customers",
        {"name": "Ada", "metadata": {"x": 1}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="nothing",
    )
    assert response.status_code == 400
    assert not Customer.objects.exists()
    assert not Event.objects.exists()


def test_read_only_scope_may_read_but_not_write(merchant, client_for):
    CustomerFactory(merchant=merchant)
    client = client_for(merchant, "customers:read")
    assert client.get("/api/v1/customers").status_code == 200
    assert client.delete("/api/v1/customers/cus_x").status_code == 403


def test_platform_staff_sees_every_merchant_and_must_name_one_to_create(
    staff_client, merchant, other_merchant
):
    CustomerFactory(merchant=merchant)
    CustomerFactory(merchant=other_merchant)
    assert len(staff_client.get("/api/v1/customers").json()["data"]) == 2
    refused = staff_client.post("/api/v1/customers", {"name": "x"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "merchant_required"
    created = staff_client.post(
        "/api/v1/customers", {"name": "x"}, format="json", HTTP_MCP_PAYMENTS_MERCHANT=merchant.id
    )
    assert created.status_code == 201
    assert Customer.objects.get(pk=created.json()["id"]).merchant_id == merchant.id
