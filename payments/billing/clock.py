"""The one place billing reads the time (BILLING.md §5): `billing_now(obj)` is the test clock's
`frozen_time` when the object (a customer, subscription, invoice or clock) has a clock, else the
real time. A test (tests/unit/billing/test_clock_rule.py) keeps every other billing module from
reading the clock."""

from datetime import datetime

from django.utils import timezone


def real_now() -> datetime:
    """The wall clock, for objects that have no test clock (settlement, payouts, jobs)."""
    return timezone.now()


def billing_now(obj: object | None = None) -> datetime:
    """The time as `obj` sees it. `obj` may be a TestClock, or anything with `test_clock_id`
    (customer, subscription, invoice). Reads the clock row, so a clock advanced in another
    transaction is seen at once."""
    from .models import TestClock

    if isinstance(obj, TestClock):
        return obj.frozen_time
    clock_id = getattr(obj, "test_clock_id", None)
    if clock_id:
        frozen = TestClock.objects.filter(pk=clock_id).values_list("frozen_time", flat=True).first()
        if frozen is not None:
            return frozen
    return real_now()
