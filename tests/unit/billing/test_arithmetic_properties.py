"""Property tests of the exact-integer arithmetic (BILLING.md §5) — pure, no database."""

from datetime import UTC, datetime
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from payments.billing.periods import add_months, boundary, percent_of, prorate, spread

amounts = st.integers(min_value=0, max_value=10**11)
lengths = st.integers(min_value=1, max_value=366 * 86_400)


@given(full=amounts, length=lengths, data=st.data())
def test_prorate_is_the_rational_value_rounded_half_up(full, length, data):
    remaining = data.draw(st.integers(min_value=0, max_value=length))
    exact = Fraction(full * remaining, length)
    value = prorate(full, remaining, length)
    assert abs(value - exact) <= Fraction(1, 2)
    assert prorate(-full, remaining, length) == -value
    assert prorate(full, length, length) == full
    assert prorate(full, 0, length) == 0


@given(amount=amounts, bps=st.integers(min_value=1, max_value=10_000))
def test_percent_discount_is_half_up_and_never_more_than_the_amount(amount, bps):
    value = percent_of(amount, bps)
    assert abs(value - Fraction(amount * bps, 10_000)) <= Fraction(1, 2)
    assert 0 <= value <= amount


@given(
    total=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=20),
)
def test_largest_remainder_spread_sums_exactly(total, weights):
    parts = spread(total, weights)
    if sum(weights) == 0:
        assert parts == [0] * len(weights)
        return
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - Fraction(total * weight, sum(weights))) < 1


@given(
    year=st.integers(min_value=2000, max_value=2100),
    month=st.integers(min_value=1, max_value=12),
    day=st.integers(min_value=28, max_value=31),
)
def test_month_end_anchors_never_drift_over_36_renewals(year, month, day):
    import calendar

    day = min(day, calendar.monthrange(year, month)[1])
    anchor = datetime(year, month, day, 12, 30, 5, tzinfo=UTC)
    for n in range(1, 37):
        end = boundary(anchor, "month", 1, n)
        last = calendar.monthrange(end.year, end.month)[1]
        assert end.day == min(day, last)
        assert (end.hour, end.minute, end.second) == (12, 30, 5)
        assert (end.year * 12 + end.month) - (year * 12 + month) == n


def test_examples_of_clamping():
    anchor = datetime(2024, 1, 31, tzinfo=UTC)
    ends = [boundary(anchor, "month", 1, n).date().isoformat() for n in range(1, 5)]
    assert ends == ["2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]
    leap = datetime(2024, 2, 29, tzinfo=UTC)
    assert boundary(leap, "year", 1, 1).date().isoformat() == "2025-02-28"
    assert boundary(leap, "year", 1, 4).date().isoformat() == "2028-02-29"
    assert add_months(anchor, -1).date().isoformat() == "2023-12-31"
    assert boundary(anchor, "week", 2, 1).date().isoformat() == "2024-02-14"
