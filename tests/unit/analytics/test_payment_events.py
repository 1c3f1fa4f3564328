"""Real payment events (the payments API, sandbox provider) through the analytics and
compliance subscribers: the payload shapes they rely on are the ones payments emit."""

import json

import pytest

from analytics.models import DailyCounter
from compliance.models import Alert
from mcp_payments.events.api.serializers import EventSerializer
from mcp_payments.events.models import Event
from mcp_payments.events.processing import deliver
from wallets import ledger

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


def pay(api, *, token: str, amount: int, customer: str) -> dict:
    method = api.post(
        "/api/v1/payment_methods",
        {"type": "card", "card": {"token": token}, "customer": customer},
        format="json",
    ).json()
    body = {
        "amount": amount,
        "currency": "usd",
        "customer": customer,
        "payment_method": method["id"],
        "confirm": True,
    }
    return api.post("/api/v1/payments", body, format="json").json()


def published(type: str) -> list[dict]:
    """The events of `type` as the relay would publish them."""
    return [
        json.loads(json.dumps(EventSerializer(event).data))
        for event in Event.objects.filter(type=type).order_by("id")
    ]


def test_payments_and_refunds_move_the_live_counters_and_screen_for_aml(api, merchant):
    customer = api.post("/api/v1/customers", {"name": "Ada"}, format="json").json()["id"]
    small = pay(api, token="tok_visa", amount=2_500, customer=customer)
    large = pay(api, token="tok_visa", amount=1_500_000, customer=customer)
    pay(api, token="tok_chargeDeclined", amount=700, customer=customer)
    refund = api.post("/api/v1/refunds", {"payment": small["id"], "amount": 500}, format="json")
    assert refund.status_code == 201, refund.json()

    for type in ("customer.created", "payment.succeeded", "payment.failed", "refund.succeeded"):
        for event in published(type):
            assert deliver("analytics", event) == []
            assert deliver("compliance", event) == []

    counters = {
        (row.metric, row.currency): row.value
        for row in DailyCounter.objects.filter(merchant_id=merchant.id)
    }
    assert counters == {
        ("customers_created", ""): 1,
        ("payments_count", "usd"): 2,
        ("payments_volume", "usd"): 1_502_500,
        ("payments_failed_count", "usd"): 1,
        ("refunds_count", "usd"): 1,
        ("refunds_volume", "usd"): 500,
    }
    alert = Alert.objects.get()
    assert (alert.kind, alert.object_id, alert.merchant_id) == (
        "large_transaction",
        large["id"],
        merchant.id,
    )
