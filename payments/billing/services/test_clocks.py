"""Test clocks (BILLING.md §8): a simulated time for the customers attached to one.

`test_clock_advance` validates and marks the clock `advancing` (`test_clock.advancing`); after
commit a Celery task runs `test_clock_run`, which walks forward through each due moment
(period ends, trial ends, retries, resumes, notices, incomplete expiry), running the same job
functions as the beat at each, then sets the target time and `ready` (`test_clock.ready`). A
crash marks the clock `internal_failure`.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.events.services import emit

from ..enums import TERMINAL, TestClockStatus
from ..exceptions import TestClockAdvanceInvalid, TestClockConflict, TestClockNotFound
from ..models import Subscription, TestClock
from ..periods import interval_seconds_max
from .common import audit, scoped

DELETES_AFTER = timedelta(days=30)


def _lock(context: AuthContext | None, clock_id: str) -> TestClock:
    clock = scoped(TestClock.objects.select_for_update(), context).filter(pk=clock_id).first()
    if clock is None:
        raise TestClockNotFound(f"No such test clock: '{clock_id}'", param="id")
    return clock


def test_clock_create(*, context: AuthContext, frozen_time: datetime, name: str = "") -> TestClock:
    """A clock frozen at `frozen_time` (sandbox keys; every key of this platform is sandbox)."""
    if context.merchant is None:
        raise MerchantRequired()
    with transaction.atomic():
        clock = TestClock.objects.create(
            merchant=context.merchant,
            name=name,
            frozen_time=frozen_time.replace(microsecond=0),
            deletes_after=frozen_time + DELETES_AFTER,
        )
        audit(context, clock, "test_clock.created")
    return clock


def test_clock_advance(
    *, context: AuthContext | None, clock_id: str, frozen_time: datetime
) -> TestClock:
    """Start moving the clock to `frozen_time`: later than now, at most two intervals of the
    shortest subscription on the clock ahead. 409 while it is advancing."""
    with transaction.atomic():
        clock = _lock(context, clock_id)
        if clock.status == TestClockStatus.ADVANCING:
            raise TestClockConflict("This clock is already advancing.")
        if frozen_time <= clock.frozen_time:
            raise TestClockAdvanceInvalid("The new time must be later than the clock's time.")
        limits = [
            2 * interval_seconds_max(interval, count)
            for interval, count in Subscription.objects.filter(test_clock=clock)
            .exclude(status__in=TERMINAL)
            .values_list("interval", "interval_count")
        ]
        if limits and (frozen_time - clock.frozen_time).total_seconds() > min(limits):
            raise TestClockAdvanceInvalid(
                "A clock advances at most two intervals of its shortest subscription at a time."
            )
        clock.status = TestClockStatus.ADVANCING
        clock.advancing_to = frozen_time.replace(microsecond=0)
        clock.save(update_fields=["status", "advancing_to"])
        emit("test_clock.advancing", clock)
        audit(context, clock, "test_clock.advanced", to=clock.advancing_to.isoformat())
        if not settings.BILLING_TEST_CLOCK_INLINE:
            from ..tasks import advance_test_clock

            transaction.on_commit(
                lambda: advance_test_clock.apply_async(
                    args=[clock.id], queue=settings.BILLING_TASK_QUEUE
                )
            )
    if settings.BILLING_TEST_CLOCK_INLINE:
        test_clock_run(clock_id=clock.id)
        clock.refresh_from_db()
    return clock


def _set_time(clock_id: str, moment: datetime) -> TestClock:
    with transaction.atomic():
        clock = TestClock.objects.select_for_update().get(pk=clock_id)
        clock.frozen_time = moment
        clock.save(update_fields=["frozen_time"])
    return clock


def test_clock_run(*, clock_id: str) -> TestClock:
    """The advance itself (the Celery task): each due moment in order, then the target."""
    from .lifecycle import next_moment, run_due

    clock = TestClock.objects.get(pk=clock_id)
    if clock.status != TestClockStatus.ADVANCING or clock.advancing_to is None:
        return clock
    target = clock.advancing_to
    try:
        run_due(clock=clock)
        while (moment := next_moment(clock, clock.frozen_time)) is not None and moment <= target:
            clock = _set_time(clock_id, moment)
            run_due(clock=clock)
        clock = _set_time(clock_id, target)
        run_due(clock=clock)
    except Exception:
        with transaction.atomic():
            clock = TestClock.objects.select_for_update().get(pk=clock_id)
            clock.status = TestClockStatus.INTERNAL_FAILURE
            clock.save(update_fields=["status"])
            emit("test_clock.internal_failure", clock)
        raise
    with transaction.atomic():
        clock = TestClock.objects.select_for_update().get(pk=clock_id)
        clock.status = TestClockStatus.READY
        clock.advancing_to = None
        clock.save(update_fields=["status", "advancing_to"])
        emit("test_clock.ready", clock)
    return clock


def test_clock_delete(*, context: AuthContext | None, clock_id: str) -> TestClock:
    """Delete the clock with the subscriptions and invoices simulated on it (customers keep
    their rows, detached)."""
    with transaction.atomic():
        clock = _lock(context, clock_id)
        from payments.models import Customer

        from ..models import Invoice, InvoiceItem, MrrSegment

        subscriptions = Subscription.objects.filter(test_clock=clock)
        MrrSegment.objects.filter(subscription__in=subscriptions).delete()
        InvoiceItem.objects.filter(subscription__in=subscriptions).delete()
        Invoice.objects.filter(test_clock=clock).delete()
        subscriptions.delete()
        Customer.objects.filter(test_clock=clock).update(test_clock=None)
        audit(context, clock, "test_clock.deleted")
        clock.delete()
        clock.id = clock_id
    return clock
