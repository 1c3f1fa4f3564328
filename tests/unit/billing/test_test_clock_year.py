"""A year of billing under a test clock, in seconds (BILLING.md §8), and dunning (§6)."""

from datetime import UTC, datetime, timedelta

import pytest

from payments.billing.models import Invoice, MrrSegment
from payments.billing.selectors import mrr_segments
from payments.models import Payment
from tests.unit.billing.conftest import ledger_ok, ok

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)


def _walk(advance, clock_id, until: datetime, step_days: int = 45) -> dict:
    moment = START
    body = {}
    while moment < until:
        moment = min(moment + timedelta(days=step_days), until)
        body = advance(clock_id, moment.isoformat())
    return body


def test_a_year_of_a_monthly_subscription_bills_12_invoices_each_paid_once(
    api, merchant, catalog, clock, customer, subscribe, advance
):
    # Given a monthly 10.00 USD subscription anchored on Jan 31 under a test clock
    test_clock = clock(START.isoformat())
    customer_id, method = customer(clock=test_clock["id"])
    sub = ok(subscribe(customer_id, catalog(1000), method), 201)
    assert sub["status"] == "active"

    # When the clock walks one year forward (to the day before the 13th period starts)
    body = _walk(advance, test_clock["id"], datetime(2027, 1, 30, 10, 0, tzinfo=UTC))

    # Then 12 invoices exist, each paid once by its own captured payment
    assert body["status"] == "ready"
    invoices = list(Invoice.objects.filter(subscription_id=sub["id"]).order_by("period_start"))
    assert len(invoices) == 12
    assert {invoice.status for invoice in invoices} == {"paid"}
    assert [invoice.amount_paid for invoice in invoices] == [1000] * 12
    payments = Payment.objects.filter(invoice_id__in=[invoice.id for invoice in invoices])
    assert payments.count() == 12
    assert {payment.status for payment in payments} == {"succeeded"}
    # month-end anchoring: Jan 31 → Feb 28 → Mar 31 → Apr 30 …, from the anchor every time
    starts = [invoice.period_start.date().isoformat() for invoice in invoices]
    assert starts == [
        "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
        "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31",
    ]  # fmt: skip
    numbers = [int(invoice.number.rsplit("-", 1)[1]) for invoice in invoices]
    assert numbers == list(range(1, 13))
    assert ledger_ok()
    # MRR history: one open segment of 10.00 since creation
    segments = list(
        mrr_segments(merchant=merchant, start=START, end=datetime(2027, 2, 1, tzinfo=UTC))
    )
    assert [(s.mrr, s.valid_from, s.valid_to) for s in segments] == [(1000, START, None)]
    sub = ok(api.get(f"/api/v1/subscriptions/{sub['id']}"))
    assert sub["current_period_start"] == "2026-12-31T10:00:00Z"
    assert sub["current_period_end"] == "2027-01-31T10:00:00Z"


def _failing_subscription(api, catalog, clock, customer, subscribe, token):
    test_clock = clock(START.isoformat())
    customer_id, good = customer(clock=test_clock["id"])
    sub = ok(subscribe(customer_id, catalog(1000), good), 201)
    bad = ok(
        api.post(
            "/api/v1/payment_methods",
            {"type": "card", "card": {"token": token}, "customer": customer_id},
            format="json",
        ),
        201,
    )["id"]
    ok(
        api.post(
            f"/api/v1/subscriptions/{sub['id']}", {"default_payment_method": bad}, format="json"
        )
    )
    return test_clock, customer_id, sub


def test_a_failing_card_walks_the_dunning_schedule_to_canceled_and_uncollectible(
    api, merchant, catalog, clock, customer, subscribe, advance
):
    # Given an active subscription whose card now declines
    test_clock, _, sub = _failing_subscription(
        api, catalog, clock, customer, subscribe, "tok_chargeDeclined"
    )

    # When the renewal on Feb 28 fails and the clock passes the whole schedule (1, 3, 7, 14 days)
    advance(test_clock["id"], "2026-03-01T09:00:00Z")
    renewal = Invoice.objects.get(subscription_id=sub["id"], billing_reason="subscription_cycle")
    assert renewal.attempt_count == 1
    assert renewal.next_payment_attempt == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert ok(api.get(f"/api/v1/subscriptions/{sub['id']}"))["status"] == "past_due"
    advance(test_clock["id"], "2026-03-20T10:00:00Z")

    # Then five attempts were made, the invoice is written off and the subscription canceled
    renewal.refresh_from_db()
    assert renewal.attempt_count == 5
    assert renewal.status == "uncollectible"
    assert renewal.next_payment_attempt is None
    failed = Payment.objects.filter(invoice_id=renewal.id)
    assert failed.count() == 5
    assert {payment.status for payment in failed} == {"requires_payment_method"}
    body = ok(api.get(f"/api/v1/subscriptions/{sub['id']}"))
    assert body["status"] == "canceled"
    assert body["cancellation_details"]["reason"] == "payment_failed"
    assert body["ended_at"] == "2026-03-14T10:00:00Z"
    # MRR: 10.00 from creation until the cancellation, then closed
    segments = MrrSegment.objects.filter(subscription_id=sub["id"]).order_by("valid_from")
    assert [(s.mrr, s.valid_to) for s in segments] == [
        (1000, datetime(2026, 3, 14, 10, 0, tzinfo=UTC))
    ]
    assert ledger_ok()


def test_a_hard_decline_is_not_retried_and_a_new_default_method_retries_once_at_once(
    api, catalog, clock, customer, subscribe, advance
):
    # Given a renewal that failed with a hard decline (fraudulent)
    test_clock, customer_id, sub = _failing_subscription(
        api, catalog, clock, customer, subscribe, "tok_chargeDeclinedFraudulent"
    )
    advance(test_clock["id"], "2026-03-01T09:00:00Z")
    renewal = Invoice.objects.get(subscription_id=sub["id"], billing_reason="subscription_cycle")

    # When 20 days pass
    advance(test_clock["id"], "2026-03-20T10:00:00Z")

    # Then it was never retried
    renewal.refresh_from_db()
    assert renewal.attempt_count == 1
    assert renewal.next_payment_attempt is None
    assert renewal.status == "open"

    # When the customer gives a working card as the new default
    good = ok(
        api.post(
            "/api/v1/payment_methods",
            {"type": "card", "card": {"token": "tok_visa"}, "customer": customer_id},
            format="json",
        ),
        201,
    )["id"]
    body = ok(
        api.post(
            f"/api/v1/subscriptions/{sub['id']}", {"default_payment_method": good}, format="json"
        )
    )

    # Then exactly one immediate attempt paid the invoice and the subscription is active again
    renewal.refresh_from_db()
    assert renewal.attempt_count == 2
    assert renewal.status == "paid"
    assert body["status"] == "active"
    assert Payment.objects.filter(invoice_id=renewal.id, status="succeeded").count() == 1
    assert ledger_ok()
