import pytest

from mcp_payments.events.models import Event

pytestmark = pytest.mark.django_db


def create_customer(client, name="Ada"):
    return client.post("/api/v1/customers", {"name": name}, format="json").json()


def test_events_are_listed_newest_first_and_filtered_by_type(api):
    customer = create_customer(api)
    api.post(f"/api/v1/customers/{customer['id']}", {"name": "Bob"}, format="json")
    page = api.get("/api/v1/events").json()
    assert [e["type"] for e in page["data"]] == ["customer.updated", "customer.created"]
    event = page["data"][0]
    assert event["object"] == "event"
    assert event["data"]["object"]["name"] == "Bob"
    only = api.get("/api/v1/events?type=customer.created").json()["data"]
    assert [e["type"] for e in only] == ["customer.created"]
    wildcard = api.get("/api/v1/events?type=customer.*").json()["data"]
    assert len(wildcard) == 2
    assert api.get(f"/api/v1/events/{event['id']}").json() == event


def test_events_are_tenant_scoped(merchant, other_merchant, client_for, staff_client):
    mine = client_for(merchant)
    theirs = client_for(other_merchant)
    create_customer(theirs)
    assert mine.get("/api/v1/events").json()["data"] == []
    foreign_id = Event.objects.get().id
    assert mine.get(f"/api/v1/events/{foreign_id}").status_code == 404
    assert len(staff_client.get("/api/v1/events").json()["data"]) == 1


def test_events_need_the_events_read_scope(merchant, client_for):
    response = client_for(merchant, "customers:read").get("/api/v1/events")
    assert response.status_code == 403


def test_events_filter_by_object(api):
    ada, bob = create_customer(api, "Ada"), create_customer(api, "Bob")
    api.post(f"/api/v1/customers/{ada['id']}", {"name": "Ada L."}, format="json")
    only_ada = api.get(f"/api/v1/events?object={ada['id']}").json()["data"]
    assert [e["type"] for e in only_ada] == ["customer.updated", "customer.created"]
    assert {e["data"]["object"]["id"] for e in only_ada} == {ada["id"]}
    created = api.get(f"/api/v1/events?object={bob['id']}&type=customer.updated").json()["data"]
    assert created == []
