"""The scheduled side of billing (BILLING.md §3, §6): renewals, draft finalization, dunning
retries, upcoming-invoice and trial-ending notices, incomplete expiry, scheduled resumes. The
beat jobs run them on real time for subscriptions without a test clock; a test clock's advance
runs the very same functions for its own objects at each due moment (test_clocks.py).

Each subscription or invoice is handled in its own transaction, locked with
`FOR UPDATE SKIP LOCKED` (a second job skips what the first holds) and re-checked under the
lock; the unique `(subscription, period_start, billing_reason)` constraint makes a duplicate
renewal a no-op. Payments run after the transaction commits.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from mcp_payments.events.services import emit

from ..clock import billing_now
from ..enums import RENEWING, BillingReason, InvoiceStatus, PauseBehavior, SubscriptionStatus
from ..models import Invoice, Subscription, SubscriptionItem, TestClock
from ..periods import boundary
from . import invoices as inv
from .common import emit_updated, mrr_sync, snapshot
from .subscriptions import _pause_locked, cancel_locked, invoice_upcoming

INCOMPLETE_EXPIRY = timedelta(hours=23)


def _clock_filter(queryset, clock: TestClock | None):
    return (
        queryset.filter(test_clock=clock)
        if clock is not None
        else queryset.filter(test_clock__isnull=True)
    )


def _now(clock: TestClock | None) -> datetime:
    return billing_now(clock)


def renew_one(subscription_id: str) -> str | None:
    """Renew one subscription whose period has ended (or end its trial, or cancel it at period
    end). Returns the new invoice id, or None (not due, locked by another job, or no invoice).
    The invoice's payment runs after the commit."""
    with transaction.atomic():
        subscription = _lock_for_renewal(subscription_id)
        if subscription is None:
            return None
        now = billing_now(subscription)
        end = subscription.current_period_end
        if end > now:
            return None
        if subscription.cancel_at_period_end or (
            subscription.cancel_at is not None and subscription.cancel_at <= end
        ):
            cancel_locked(None, subscription, end, reason="requested")
            return None
        before = snapshot(subscription)
        trial_ended = subscription.status == SubscriptionStatus.TRIALING
        if trial_ended and not subscription.default_payment_method:
            behavior = subscription.trial_end_behavior
            if behavior == "cancel":
                cancel_locked(None, subscription, end, reason="requested")
                return None
            if behavior == "pause":
                _pause_locked(subscription, end, PauseBehavior.KEEP_AS_DRAFT, None)
                emit_updated("subscription.updated", subscription, before)
                return None
        index = subscription.period_index + 1
        subscription.period_index = index
        subscription.current_period_start = end
        subscription.current_period_end = boundary(
            subscription.billing_cycle_anchor,
            subscription.interval,
            subscription.interval_count,
            index + 1,
        )
        if trial_ended:
            subscription.status = SubscriptionStatus.ACTIVE
        subscription.save(
            update_fields=["period_index", "current_period_start", "current_period_end", "status"]
        )
        paused = subscription.status == SubscriptionStatus.PAUSED
        try:
            with transaction.atomic():
                invoice = inv.invoice_build(
                    customer=subscription.customer,
                    subscription=subscription,
                    currency=subscription.currency,
                    reason=BillingReason.SUBSCRIPTION_CYCLE,
                    period_start=subscription.current_period_start,
                    period_end=subscription.current_period_end,
                    lines=inv.pending_lines(subscription.customer_id, subscription)
                    + inv.item_lines(
                        subscription,
                        subscription.current_period_start,
                        subscription.current_period_end,
                    ),
                    now=now,
                    finalize_now=False,
                    collection_method=subscription.collection_method,
                    days_until_due=subscription.days_until_due,
                    caller_finalizes=True,
                )
        except IntegrityError as exc:
            if inv.unique_violation(exc):
                transaction.set_rollback(True)
                return None
            raise
        emit_updated("subscription.updated", subscription, before)
        mrr_sync(subscription, now)
        # Finalizing takes the merchant's invoice-number row lock, held until commit and
        # shared by every renewal of the merchant: it comes last, so the lock is held for the
        # few statements after it and the commit only.
        if inv.finalizes_at_once(subscription.customer):
            inv.finalize_locked(invoice, now)
        if paused:
            if (subscription.pause or {}).get("behavior") == PauseBehavior.VOID:
                inv.void_locked(invoice, now) if invoice.status != InvoiceStatus.PAID else None
            else:
                invoice.auto_advance = False
                invoice.save(update_fields=["auto_advance"])
        method = subscription.default_payment_method
        # A card attempt is claimed in this transaction (what `invoice_attempt` would commit
        # on its own right after): the charge itself runs after the commit, never inside.
        by_card = (
            not paused
            and inv.invoice_is_collectible(invoice)
            and method is not None
            and not method.startswith("wal_")
        )
        if by_card:
            claim = inv.claim_attempt_locked(invoice)
    if by_card:
        invoice.merchant = subscription.merchant
        inv.invoice_attempt_claimed(invoice=invoice, method=method, claim=claim)
    elif not paused and inv.invoice_is_collectible(invoice):
        inv.invoice_attempt(invoice_id=invoice.id)
    return invoice.id


def _lock_for_renewal(subscription_id: str) -> Subscription | None:
    """The due subscription, locked (`SKIP LOCKED`: another job's), with its customer,
    merchant and discount (coupon) joined and its items (price, product) in a second query:
    everything the renewal reads of it, once (`Subscription.preloaded`)."""
    subscription = (
        Subscription.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("customer", "merchant", "discount__coupon")
        .prefetch_related(
            Prefetch("items", queryset=SubscriptionItem.objects.select_related("price__product"))
        )
        .filter(pk=subscription_id, status__in=RENEWING)
        .first()
    )
    if subscription is not None:
        subscription.preloaded = True
    return subscription


def renew_due(*, clock: TestClock | None = None, limit: int = 1000) -> int:
    """Renew every due subscription (of `clock`, or on real time without a clock)."""
    now = _now(clock)
    ids = list(
        _clock_filter(Subscription.objects, clock)
        .filter(status__in=RENEWING, current_period_end__lte=now)
        .order_by("current_period_end", "id")
        .values_list("id", flat=True)[:limit]
    )
    return sum(1 for subscription_id in ids if renew_one(subscription_id))


def finalize_due(*, clock: TestClock | None = None, limit: int = 1000) -> int:
    """Finalize drafts whose hour has come (`auto_advance`), then try to collect them."""
    now = _now(clock)
    ids = list(
        _clock_filter(Invoice.objects, clock)
        .filter(status=InvoiceStatus.DRAFT, auto_advance=True, finalize_at__lte=now)
        .values_list("id", flat=True)[:limit]
    )
    done = 0
    for invoice_id in ids:
        with transaction.atomic():
            invoice = (
                Invoice.objects.select_for_update(skip_locked=True)
                .filter(pk=invoice_id, status=InvoiceStatus.DRAFT)
                .first()
            )
            if invoice is None:
                continue
            inv.finalize_locked(invoice, now)
        done += 1
        if inv.invoice_is_collectible(invoice):
            inv.invoice_attempt(invoice_id=invoice.id)
    return done


def retry_due(*, clock: TestClock | None = None, limit: int = 1000) -> int:
    """Dunning: attempt each open invoice whose `next_payment_attempt` has come."""
    now = _now(clock)
    ids = list(
        _clock_filter(Invoice.objects, clock)
        .filter(status=InvoiceStatus.OPEN, next_payment_attempt__lte=now)
        .values_list("id", flat=True)[:limit]
    )
    for invoice_id in ids:
        with transaction.atomic():
            claimed = Invoice.objects.filter(
                pk=invoice_id, status=InvoiceStatus.OPEN, next_payment_attempt__lte=now
            ).update(next_payment_attempt=None)
        if claimed:
            inv.invoice_attempt(invoice_id=invoice_id)
    return len(ids)


def expire_incomplete(*, clock: TestClock | None = None) -> int:
    """incomplete for 23 h → incomplete_expired (terminal), its open invoice voided."""
    now = _now(clock)
    ids = list(
        _clock_filter(Subscription.objects, clock)
        .filter(status=SubscriptionStatus.INCOMPLETE, start_date__lte=now - INCOMPLETE_EXPIRY)
        .values_list("id", flat=True)
    )
    for subscription_id in ids:
        with transaction.atomic():
            subscription = (
                Subscription.objects.select_for_update(skip_locked=True)
                .filter(pk=subscription_id, status=SubscriptionStatus.INCOMPLETE)
                .first()
            )
            if subscription is None:
                continue
            before = snapshot(subscription)
            for invoice in Invoice.objects.select_for_update().filter(
                subscription=subscription, status=InvoiceStatus.OPEN
            ):
                inv.void_locked(invoice, now)
            subscription.status = SubscriptionStatus.INCOMPLETE_EXPIRED
            subscription.ended_at = now
            subscription.save()
            emit_updated("subscription.updated", subscription, before)
            mrr_sync(subscription, now)
    return len(ids)


def resume_due(*, clock: TestClock | None = None) -> int:
    """Paused subscriptions whose `pause.resumes_at` has come resume."""
    from .subscriptions import subscription_resume

    now = _now(clock)
    count = 0
    for subscription in _clock_filter(Subscription.objects, clock).filter(
        status=SubscriptionStatus.PAUSED, pause__resumes_at__isnull=False
    ):
        resumes_at = _parse(subscription.pause["resumes_at"])
        if resumes_at is not None and resumes_at <= now:
            subscription_resume(context=None, subscription_id=subscription.id)
            count += 1
    return count


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def send_notices(*, clock: TestClock | None = None) -> int:
    """`subscription.trial_will_end` and `invoice.upcoming` (with the preview) a configurable
    number of days (3) before a trial ends or a period renews; once each."""
    now = _now(clock)
    ahead = now + timedelta(days=settings.BILLING_NOTICE_DAYS)
    sent = 0
    for subscription in _clock_filter(Subscription.objects, clock).filter(
        status=SubscriptionStatus.TRIALING, trial_end__lte=ahead, trial_will_end_sent=False
    ):
        with transaction.atomic():
            if Subscription.objects.filter(pk=subscription.pk, trial_will_end_sent=False).update(
                trial_will_end_sent=True
            ):
                emit("subscription.trial_will_end", subscription)
                sent += 1
    due = _clock_filter(Subscription.objects, clock).filter(
        status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE],
        current_period_end__lte=ahead,
        current_period_end__gt=now,
        cancel_at_period_end=False,
    )
    for subscription in due:
        if subscription.upcoming_sent_for == subscription.current_period_end:
            continue
        preview = invoice_upcoming(context=None, subscription_id=subscription.id)
        with transaction.atomic():
            if (
                Subscription.objects.filter(pk=subscription.pk)
                .exclude(upcoming_sent_for=subscription.current_period_end)
                .update(upcoming_sent_for=subscription.current_period_end)
            ):
                emit("invoice.upcoming", subscription, data=preview)
                sent += 1
    return sent


def run_due(*, clock: TestClock | None = None) -> None:
    """Every billing job once, for `clock` (or for real time)."""
    finalize_due(clock=clock)
    renew_due(clock=clock)
    retry_due(clock=clock)
    expire_incomplete(clock=clock)
    resume_due(clock=clock)
    send_notices(clock=clock)


def next_moment(clock: TestClock, after: datetime) -> datetime | None:
    """The earliest moment after `after` when something on the clock falls due."""
    subscriptions = Subscription.objects.filter(test_clock=clock)
    candidates: list[datetime] = []
    notice = timedelta(days=settings.BILLING_NOTICE_DAYS)
    for row in subscriptions.filter(status__in=RENEWING).values(
        "current_period_end", "status", "trial_end", "trial_will_end_sent", "upcoming_sent_for"
    ):
        candidates.append(row["current_period_end"])
        if row["status"] == SubscriptionStatus.TRIALING and not row["trial_will_end_sent"]:
            candidates.append(row["trial_end"] - notice)
        if row["upcoming_sent_for"] != row["current_period_end"]:
            candidates.append(row["current_period_end"] - notice)
    for row in subscriptions.filter(status=SubscriptionStatus.INCOMPLETE).values("start_date"):
        candidates.append(row["start_date"] + INCOMPLETE_EXPIRY)
    for row in subscriptions.filter(status=SubscriptionStatus.PAUSED).values("pause"):
        resumes_at = _parse((row["pause"] or {}).get("resumes_at"))
        if resumes_at is not None:
            candidates.append(resumes_at)
    invoices = Invoice.objects.filter(test_clock=clock)
    candidates += invoices.filter(
        status=InvoiceStatus.OPEN, next_payment_attempt__isnull=False
    ).values_list("next_payment_attempt", flat=True)
    later = [moment for moment in candidates if moment is not None and moment > after]
    return min(later) if later else None
