"""Analytics fixtures: real payments through the API at chosen instants, events delivered to the
analytics subscribers as the relay would publish them."""

import json
import random
from datetime import datetime

import pytest
import time_machine

from mcp_payments.events.api.serializers import EventSerializer
from mcp_payments.events.models import Event
from mcp_payments.events.processing import deliver_batch
from wallets import ledger


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


def at(moment: str):
    """Freeze time at an RFC 3339 instant."""
    return time_machine.travel(datetime.fromisoformat(moment.replace("Z", "+00:00")), tick=False)


def pay(api, *, token: str, amount: int, currency: str, customer: str | None, when: str) -> dict:
    """Create and confirm a payment through the API at `when` (declines answer 402)."""
    with at(when):
        body = {"type": "card", "card": {"token": token}}
        if customer:
            body["customer"] = customer
        method = api.post("/api/v1/payment_methods", body, format="json").json()
        payment = {
            "amount": amount,
            "currency": currency,
            "payment_method": method["id"],
            "confirm": True,
        }
        if customer:
            payment["customer"] = customer
        response = api.post("/api/v1/payments", payment, format="json")
    data = response.json()
    if response.status_code in (200, 201):
        return data
    return data["error"]["payment"]


def customer(api, *, name: str, when: str) -> str:
    with at(when):
        return api.post("/api/v1/customers", {"name": name}, format="json").json()["id"]


def published_events(merchant_id: str | None = None) -> list[dict]:
    """Every event (of a merchant) as the relay publishes it (a JSON round trip)."""
    events = Event.objects.order_by("id")
    if merchant_id is not None:
        events = events.filter(merchant_id=merchant_id)
    return [json.loads(json.dumps(EventSerializer(event).data)) for event in events]


def deliver_shuffled(events: list[dict], *, seed: int = 7, batch: int = 5) -> None:
    """Deliver to analytics out of order, in batches, each event twice (redeliveries)."""
    stream = events + events[::2] + events[1::3]
    random.Random(seed).shuffle(stream)
    for start in range(0, len(stream), batch):
        assert deliver_batch("analytics", stream[start : start + batch]) == {}
