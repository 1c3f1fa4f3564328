"""Property: the UTC-day totals and the customer gaps the fast reads use stay exact whatever the
order, batching and redelivery of the events — the day totals equal the 15-minute rollup summed
per day, the gaps equal their recomputation from the customer days, and a window's paying
customers and totals equal a brute-force count over the payments themselves, for whole-day,
half-hour-offset and partial-day windows."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.metrics import (
    analytics_timeseries,
    paying_customers,
    rollup_totals,
    window_parse,
)
from analytics.models import ROLLUP_MEASURES, CustomerDayGap, Rollup, RollupDay
from mcp_payments.api.ids import new_id
from mcp_payments.events.processing import deliver_batch
from tests.fixtures.factories import MerchantFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 8

payment = st.tuples(
    st.integers(min_value=0, max_value=4),  # customer
    st.sampled_from(["usd", "eur"]),
    st.integers(min_value=0, max_value=DAYS * 24 * 4 - 1),  # 15-minute slot since START
    st.integers(min_value=0, max_value=14),  # minute within the slot
    st.integers(min_value=100, max_value=90_000),  # amount
)

# (from, to, timezone): whole UTC days, a half-hour-offset zone, 15-minute edges, part of a
# day up to midnight. (A window inside one UTC day counts a customer whose first and last payment
# of the day enclose it: customer days keep no finer time.)
WINDOWS = [
    ("2026-11-01", "2026-11-09", "UTC"),
    ("2026-11-03", "2026-11-06", "UTC"),
    ("2026-11-02", "2026-11-07", "Asia/Kolkata"),
    ("2026-11-02T06:15:00Z", "2026-11-05T17:45:00Z", "UTC"),
    ("2026-11-04T00:00:00Z", "2026-11-05T13:30:00Z", "UTC"),
    ("2026-11-04T09:00:00Z", "2026-11-05T00:00:00Z", "UTC"),
]


def succeeded(merchant_id: str, customer: int, currency: str, at: datetime, amount: int) -> dict:
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "id": new_id("evt"),
        "type": "payment.succeeded",
        "created": stamp,
        "merchant": merchant_id,
        "data": {
            "object": {
                "id": new_id("pay"),
                "object": "payment",
                "amount": amount,
                "amount_received": amount,
                "fee": 30,
                "currency": currency,
                "capture_method": "automatic",
                "captured_at": stamp,
                "customer": f"cus_{customer}",
                "source": "api",
            }
        },
    }


def recomputed_gaps(merchant_id: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT currency, day, prev_day, count(*) FROM (SELECT currency, day, "
            "coalesce(lag(day) OVER (PARTITION BY currency, customer_id ORDER BY day), "
            "DATE '0001-01-01') AS prev_day FROM analytics_customerday WHERE merchant_id = %s) "
            "AS days GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
            [merchant_id],
        )
        return cursor.fetchall()


def stored_gaps(merchant_id: str) -> list[tuple]:
    return list(
        CustomerDayGap.objects.filter(merchant_id=merchant_id)
        .exclude(customers=0)
        .order_by("currency", "day", "prev_day")
        .values_list("currency", "day", "prev_day", "customers")
    )


def day_sums(model, merchant_id: str, day_of) -> dict:
    out: dict = {}
    for row in model.objects.filter(merchant_id=merchant_id).values():
        key = (row["currency"], day_of(row))
        totals = out.setdefault(key, dict.fromkeys(ROLLUP_MEASURES, 0))
        for name in ROLLUP_MEASURES:
            totals[name] += row[name]
    return out


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    payments=st.lists(payment, min_size=1, max_size=40),
    seed=st.integers(min_value=0, max_value=10_000),
    batch=st.integers(min_value=1, max_value=9),
)
def test_day_totals_gaps_and_windows_after_any_delivery_order(payments, seed, batch):
    merchant_id = MerchantFactory().id
    made = [
        (f"cus_{customer}", currency, START + timedelta(minutes=slot * 15 + minute), amount)
        for customer, currency, slot, minute, amount in payments
    ]
    events = [succeeded(merchant_id, int(c[4:]), cur, at, amt) for c, cur, at, amt in made]
    stream = events + [events[i] for i in range(0, len(events), 3)]  # redeliveries
    random.Random(seed).shuffle(stream)  # out of order
    for begin in range(0, len(stream), batch):
        assert deliver_batch("analytics", stream[begin : begin + batch]) == {}

    assert stored_gaps(merchant_id) == recomputed_gaps(merchant_id)
    assert day_sums(RollupDay, merchant_id, lambda row: row["day"]) == day_sums(
        Rollup, merchant_id, lambda row: row["bucket"].astimezone(UTC).date()
    )
    for start, end, zone in WINDOWS:
        window = window_parse(start=start, end=end, timezone=zone)
        inside = [row for row in made if window.start <= row[2] < window.end]
        expected_paying: dict[str, int] = {}
        expected_gross: dict[str, int] = {}
        for currency in ("eur", "usd"):
            customers = {c for c, cur, _, _ in inside if cur == currency}
            if customers:
                expected_paying[currency] = len(customers)
                expected_gross[currency] = sum(a for _, cur, _, a in inside if cur == currency)
        assert paying_customers(merchant_id=merchant_id, window=window) == expected_paying
        totals = rollup_totals(merchant_id=merchant_id, window=window)
        assert {cur: row["gross_volume"] for cur, row in totals.items() if row["gross_volume"]} == (
            expected_gross
        )
        assert {cur: row["successful_payment_count"] for cur, row in totals.items()} == {
            cur: sum(1 for r in inside if r[1] == cur) for cur in expected_gross
        }
    series = analytics_timeseries(
        merchant_id=merchant_id,
        metric="gross_volume",
        interval="day",
        window=window_parse(start="2026-11-01", end="2026-11-09", timezone="UTC"),
    )
    expected_points = {}
    for _, currency, at, amount in made:
        key = (f"{at.date().isoformat()}T00:00:00+00:00", currency)
        expected_points[key] = expected_points.get(key, 0) + amount
    assert {(p["start"], p["currency"]): p["value"] for p in series["points"] if p["value"]} == (
        expected_points
    )
    assert len(series["points"]) == DAYS * len({row[1] for row in made})


def test_a_day_between_two_active_days_moves_the_later_day_gap():
    merchant_id = MerchantFactory().id
    first, third = START, START + timedelta(days=2)
    assert deliver_batch("analytics", [succeeded(merchant_id, 1, "usd", third, 100)]) == {}
    assert deliver_batch("analytics", [succeeded(merchant_id, 1, "usd", first, 100)]) == {}
    assert stored_gaps(merchant_id) == [
        ("usd", date(2026, 11, 1), date(1, 1, 1), 1),
        ("usd", date(2026, 11, 3), date(2026, 11, 1), 1),
    ]
    middle = succeeded(merchant_id, 1, "usd", START + timedelta(days=1, hours=5), 100)
    assert deliver_batch("analytics", [middle, middle]) == {}
    assert stored_gaps(merchant_id) == [
        ("usd", date(2026, 11, 1), date(1, 1, 1), 1),
        ("usd", date(2026, 11, 2), date(2026, 11, 1), 1),
        ("usd", date(2026, 11, 3), date(2026, 11, 2), 1),
    ]
    window = window_parse(start="2026-11-02", end="2026-11-04", timezone="UTC")
    assert paying_customers(merchant_id=merchant_id, window=window) == {"usd": 1}
