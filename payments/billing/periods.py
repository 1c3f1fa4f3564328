"""Exact-integer billing arithmetic (BILLING.md §5), pure functions, all in UTC.

- Period boundaries are computed from the anchor every time: `boundary(anchor, n)` is the anchor
  plus n intervals, with the day clamped to the month (Jan 31 → Feb 28/29 → Mar 31).
- `prorate(full, R, L) = (2·full·R + L) // (2·L)`: the share R/L of `full`, rounded half up
  (for negative `full` the result is the negation of the positive case, so credits and charges
  of the same amount cancel).
- Percent discounts in basis points, half up; an invoice discount is spread over lines by the
  largest-remainder method so the line discounts sum to it exactly.
"""

import calendar
from datetime import datetime, timedelta

_MONTHS = {"month": 1, "year": 12}
_DAYS = {"day": 1, "week": 7}
# ANALYTICS.md §1: periods per year of each interval.
PERIODS_PER_YEAR = {"day": 365, "week": 52, "month": 12, "year": 1}


def add_months(anchor: datetime, months: int) -> datetime:
    """`anchor` moved by whole months; the day is min(anchor day, days in the target month)."""
    index = anchor.year * 12 + (anchor.month - 1) + months
    year, month = divmod(index, 12)
    day = min(anchor.day, calendar.monthrange(year, month + 1)[1])
    return anchor.replace(year=year, month=month + 1, day=day)


def boundary(anchor: datetime, interval: str, interval_count: int, n: int) -> datetime:
    """The n-th period boundary after (n > 0) or before (n < 0) `anchor`."""
    if interval in _MONTHS:
        return add_months(anchor, n * interval_count * _MONTHS[interval])
    return anchor + timedelta(days=n * interval_count * _DAYS[interval])


def interval_seconds_max(interval: str, interval_count: int) -> int:
    """An upper bound of one period's length in seconds (for limits such as test clock advance)."""
    days = {"day": 1, "week": 7, "month": 31, "year": 366}[interval]
    return days * interval_count * 86_400


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds from `start` to `end` (sub-second parts are ignored)."""
    delta = end.replace(microsecond=0) - start.replace(microsecond=0)
    return delta.days * 86_400 + delta.seconds


def prorate(full: int, remaining: int, length: int) -> int:
    """`full x remaining / length` rounded half up (half away from zero for negatives)."""
    if length <= 0:
        raise ValueError("period length must be positive")
    if full < 0:
        return -prorate(-full, remaining, length)
    return (2 * full * remaining + length) // (2 * length)


def percent_of(amount: int, bps: int) -> int:
    """`amount x bps / 10000` rounded half up: `(2·amount·bps + 10000) // 20000`."""
    return (2 * amount * bps + 10_000) // 20_000


def round_half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative numerators."""
    return (2 * numerator + denominator) // (2 * denominator)


def spread(total: int, weights: list[int]) -> list[int]:
    """Split `total` (≥ 0) in proportion to non-negative `weights` by largest remainder: the
    parts sum to `total` exactly; ties go to the earlier line."""
    weight_sum = sum(weights)
    if total == 0 or weight_sum == 0:
        return [0] * len(weights)
    parts = [total * weight // weight_sum for weight in weights]
    remainders = [(total * weight % weight_sum, -index) for index, weight in enumerate(weights)]
    left = total - sum(parts)
    for _, negative_index in sorted(remainders, reverse=True)[:left]:
        parts[-negative_index] += 1
    return parts


def item_arr(unit_amount: int, quantity: int, interval: str, interval_count: int) -> int:
    """ANALYTICS.md §1: `round_half_up(unit_amount x quantity x F / interval_count)`."""
    return round_half_up_div(unit_amount * quantity * PERIODS_PER_YEAR[interval], interval_count)


def mrr_of_arr(arr: int) -> int:
    """MRR = round_half_up(ARR / 12)."""
    return round_half_up_div(arr, 12)
