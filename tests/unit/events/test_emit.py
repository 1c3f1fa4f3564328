"""emit(): the outbox row of a state change, in the change's transaction."""

import pytest
from django.db import transaction

from mcp_payments.events.models import Event
from mcp_payments.events.services import EmitOutsideTransaction, emit
from tests.fixtures.factories import CustomerFactory


@pytest.mark.django_db(transaction=True)
def test_emit_outside_a_transaction_raises_and_writes_nothing():
    customer = CustomerFactory()
    with pytest.raises(EmitOutsideTransaction):
        emit("customer.updated", customer)
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_event_rolls_back_with_its_change():
    customer = CustomerFactory()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        emit("customer.updated", customer)
        1 / 0  # noqa: B018
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_event_payload_is_the_api_representation_and_round_trips_json():
    customer = CustomerFactory(name="Ada", metadata={"k": "v"})
    with transaction.atomic():
        event = emit("customer.updated", customer, previous_attributes={"name": "A"})
    event.refresh_from_db()
    assert event.id.startswith("evt_")
    assert event.object_type == "customer"
    assert event.merchant_id == customer.merchant_id
    assert event.data["object"]["id"] == customer.id
    assert event.data["object"]["name"] == "Ada"
    assert event.data["previous_attributes"] == {"name": "A"}


@pytest.mark.django_db
def test_emit_of_an_unregistered_model_fails_loudly(merchant):
    with pytest.raises(LookupError), transaction.atomic():
        emit("merchant.updated", merchant)
