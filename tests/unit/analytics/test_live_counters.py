"""Live counters: event -> counter deltas, one upsert per batch, drift check."""

from datetime import date

import pytest
from django.db import transaction

from analytics.models import DailyCounter
from analytics.selectors import counter_value, counters_drift
from analytics.services import counters_increment, counters_ingest_events, increments_for
from analytics.subscribers import LIVE_COUNTERS
from analytics.tasks import verify_live_counters
from mcp_payments.events.models import Event
from mcp_payments.events.processing import deliver_batch
from mcp_payments.events.services import emit
from tests.fixtures.factories import CustomerFactory

DAY = date(2026, 11, 26)


def payment_event(type: str, *, amount: int, received: int | None = None, merchant="mer_A"):
    return {
        "id": f"evt_{type}_{amount}",
        "type": type,
        "created": "2026-11-26T10:00:00Z",
        "merchant": merchant,
        "data": {
            "object": {
                "id": "pay_1",
                "object": "payment",
                "amount": amount,
                "amount_received": received,
                "currency": "eur",
                "customer": "cus_1",
                "status": type.split(".")[1],
            }
        },
    }


def values() -> dict[tuple[str, str, str], int]:
    return {
        (row.merchant_id, row.metric, row.currency): row.value
        for row in DailyCounter.objects.filter(day=DAY)
    }


def test_each_event_type_moves_its_metrics():
    succeeded = payment_event("payment.succeeded", amount=1000, received=800)
    assert increments_for(succeeded) == {
        ("payments_count", "eur"): 1,
        ("payments_volume", "eur"): 800,
    }
    unreceived = payment_event("payment.succeeded", amount=1000)
    assert increments_for(unreceived)[("payments_volume", "eur")] == 1000
    assert increments_for(payment_event("payment.failed", amount=5)) == {
        ("payments_failed_count", "eur"): 1
    }
    refund = payment_event("refund.succeeded", amount=300)
    assert increments_for(refund) == {("refunds_count", "eur"): 1, ("refunds_volume", "eur"): 300}
    created = {"type": "customer.created", "data": {"object": {}}}
    assert increments_for(created) == {("customers_created", ""): 1}
    assert increments_for({"type": "customer.updated", "data": {"object": {}}}) == {}


@pytest.mark.django_db
def test_a_batch_is_aggregated_into_one_upsert_added_to_existing_values():
    counters_increment(merchant_id="mer_A", day=DAY, increments={("payments_count", "eur"): 5})
    with transaction.atomic():
        counters_ingest_events(
            events=[
                payment_event("payment.succeeded", amount=1000),
                payment_event("payment.succeeded", amount=500, received=500),
                payment_event("refund.succeeded", amount=200),
                payment_event("payment.failed", amount=7, merchant="mer_B"),
                {**payment_event("payment.failed", amount=9), "merchant": None},
            ]
        )
    assert values() == {
        ("mer_A", "payments_count", "eur"): 7,
        ("mer_A", "payments_volume", "eur"): 1500,
        ("mer_A", "refunds_count", "eur"): 1,
        ("mer_A", "refunds_volume", "eur"): 200,
        ("mer_B", "payments_failed_count", "eur"): 1,
    }
    assert counter_value(merchant_id="mer_A", day=DAY, metric="refunds_count", currency="eur") == 1
    assert counter_value(merchant_id="mer_C", day=DAY, metric="refunds_count", currency="eur") == 0


@pytest.mark.django_db
def test_the_subscriber_counts_each_event_once_and_the_drift_check_agrees():
    customer = CustomerFactory()
    with transaction.atomic():
        events = [emit("customer.created", customer) for _ in range(3)]
    payloads = [
        {
            "id": event.id,
            "type": event.type,
            "created": event.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "merchant": event.merchant_id,
            "data": event.data,
        }
        for event in events
    ]
    assert deliver_batch("analytics", payloads) == {}
    assert deliver_batch("analytics", payloads[:2]) == {}  # redelivered: no effect
    today = events[0].created.date()
    assert (
        counter_value(merchant_id=customer.merchant_id, day=today, metric="customers_created") == 3
    )
    assert counters_drift(day=today, subscriber=LIVE_COUNTERS) == []
    assert verify_live_counters(today.isoformat()) == []

    DailyCounter.objects.filter(merchant_id=customer.merchant_id).update(value=2)
    assert counters_drift(day=today, subscriber=LIVE_COUNTERS) == [
        {
            "merchant_id": customer.merchant_id,
            "metric": "customers_created",
            "currency": "",
            "expected": 3,
            "actual": 2,
        }
    ]
    assert Event.objects.count() == 3
