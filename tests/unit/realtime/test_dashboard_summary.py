"""/ws/dashboard's `summary` is the analytics metric code: the snapshot and every delta equal
GET /analytics/summary for the same UTC day."""

from datetime import UTC, datetime

import pytest

from realtime.snapshot import dashboard_state
from tests.fixtures.timed_payments import deliver_shuffled, pay, published_events
from wallets import ledger

pytestmark = pytest.mark.django_db

DAY = {"from": "2026-11-10", "to": "2026-11-11", "timezone": "UTC", "compare": "none"}


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


def api_summary(api) -> dict:
    body = api.get("/api/v1/analytics/summary", DAY).json()
    return {
        "currencies": body["currencies"],
        "new_customers": body["new_customers"],
        "reviews_opened": body["reviews_opened"],
    }


def without_customers(summary: dict) -> dict:
    """The dashboard has no distinct-customer figures (they are not additive per event)."""
    return {
        **summary,
        "currencies": {
            currency: {
                k: v
                for k, v in values.items()
                if k not in ("paying_customers", "spend_per_customer")
            }
            for currency, values in summary["currencies"].items()
        },
    }


def test_snapshot_and_deltas_equal_the_summary_endpoint(api, merchant):
    pay(
        api,
        token="tok_visa",
        amount=4_000,
        currency="usd",
        customer=None,
        when="2026-11-10T08:00:00Z",
    )
    pay(
        api,
        token="tok_chargeDeclined",
        amount=50,
        currency="usd",
        customer=None,
        when="2026-11-10T08:05:00Z",
    )
    deliver_shuffled(published_events(merchant.id))
    now = datetime(2026, 11, 10, 23, tzinfo=UTC)
    state = dashboard_state(merchant_id=merchant.id, now=now)

    snapshot = state.message("snapshot", merchant_id=merchant.id, now=now)
    assert snapshot["summary"] == without_customers(api_summary(api))
    assert snapshot["summary"]["currencies"]["usd"]["gross_volume"] == 4_000

    seen = {event["id"] for event in published_events(merchant.id)}
    pay(
        api,
        token="tok_mastercard",
        amount=6_000,
        currency="eur",
        customer=None,
        when="2026-11-10T09:00:00Z",
    )
    fresh = [event for event in published_events(merchant.id) if event["id"] not in seen]
    changed = set()
    for event in fresh:
        changed |= state.apply(event)
    deliver_shuffled(fresh)
    delta = state.message("delta", merchant_id=merchant.id, now=now, only=changed)
    assert sorted(changed) == ["eur"]
    expected = without_customers(api_summary(api))
    assert delta["summary"]["currencies"] == {"eur": expected["currencies"]["eur"]}
    assert delta["summary"]["currencies"]["eur"]["net_volume"] == 6_000 - 204
