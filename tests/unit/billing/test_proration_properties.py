"""Random item changes inside a period against the database (hypothesis, max_examples ≤ 25):
each proration line within ±1 minor unit of the exact rational value, change-and-revert nets
0, JPY like USD (BILLING.md §5)."""

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.billing.models import InvoiceItem
from tests.unit.billing.conftest import ok

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
PERIOD = (datetime(2026, 4, 1, tzinfo=UTC) - START).total_seconds()

changes = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=int(PERIOD) - 1),  # seconds into the period
        st.integers(min_value=0, max_value=1),  # which price
        st.integers(min_value=1, max_value=7),  # quantity
    ),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=changes, currency=st.sampled_from(["usd", "jpy"]))
def test_random_changes_stay_within_one_unit_and_revert_nets_zero(
    api, catalog, clock, customer, subscribe, advance, steps, currency
):
    # Given a monthly subscription (no card: send_invoice) under a clock at the period start
    prices = [catalog(amount, currency=currency) for amount in (1333, 50_001)]
    amounts = dict(zip(prices, (1333, 50_001), strict=True))
    test_clock = clock(START.isoformat())
    customer_id, _ = customer(clock=test_clock["id"], token=None)
    sub = ok(
        subscribe(customer_id, prices[0], collection_method="send_invoice", days_until_due=7),
        201,
    )
    item = sub["items"]["data"][0]["id"]
    state = (prices[0], 1)
    at = 0
    for offset, which, quantity in sorted(steps):
        if offset <= at:
            continue
        at = offset
        when = START + timedelta(seconds=offset)
        advance(test_clock["id"], when.isoformat())
        new = (prices[which], quantity)
        before = InvoiceItem.objects.count()
        body = {"items": [{"id": item, "price": new[0], "quantity": new[1]}]}
        ok(api.post(f"/api/v1/subscriptions/{sub['id']}", body, format="json"))
        created = list(InvoiceItem.objects.order_by("id")[before:])
        remaining = Fraction(int(PERIOD) - offset, int(PERIOD))
        if new == state:
            assert created == []
            continue
        # each line within ±1 of its exact rational value
        old_exact = -amounts[state[0]] * state[1] * remaining
        new_exact = amounts[new[0]] * new[1] * remaining
        assert abs(created[0].amount - old_exact) <= 1
        assert abs(created[1].amount - new_exact) <= 1
        # change and change back at the same instant nets 0
        back = {"items": [{"id": item, "price": state[0], "quantity": state[1]}]}
        ok(api.post(f"/api/v1/subscriptions/{sub['id']}", back, format="json"))
        reverted = list(InvoiceItem.objects.order_by("id")[before:])
        assert sum(line.amount for line in reverted) == 0
        ok(api.post(f"/api/v1/subscriptions/{sub['id']}", body, format="json"))
        state = new
    upcoming = ok(api.get("/api/v1/invoices/upcoming", {"subscription": sub["id"]}))
    assert upcoming["subtotal"] == sum(line["amount"] for line in upcoming["lines"]["data"])
    assert upcoming["total"] == upcoming["subtotal"]
