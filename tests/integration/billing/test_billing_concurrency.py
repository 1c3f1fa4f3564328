"""Billing under concurrency against the real PostgreSQL, broker and live Celery workers:
two workers running the renewal job at once make one invoice per period; ten clients paying one
invoice at once charge it once; a test clock's advance runs on a worker (BILLING.md §6, §8)."""

import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.scopes import ALL_SCOPES
from mcp_payments.celery import app
from mcp_payments.events.topology import broker_connection
from payments.billing.models import Invoice, Subscription, TestClock
from payments.billing.services.subscriptions import (
    ItemChange,
    SubscriptionParams,
    subscription_create,
)
from payments.models import Payment
from tests.fixtures.threads import run_threads
from tests.integration.conftest import wait_until
from tests.unit.billing.conftest import catalog, clock, customer, ok  # noqa: F401  (fixtures)
from wallets import ledger

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


@pytest.fixture
def billing_queue(events_namespace, settings):
    name = f"{events_namespace.prefix}billing"
    settings.BILLING_TASK_QUEUE = name
    yield name
    with broker_connection() as conn:
        conn.default_channel.queue_delete(name)
        conn.default_channel.exchange_delete(name)


def _workers(processes, events_namespace, queue: str, count: int) -> None:
    for index in range(count):
        host = f"billing{index}-{events_namespace.token}@{socket.gethostname()}"
        processes.worker(queue, host)


def test_two_workers_renew_once_per_period_and_run_a_test_clock_advance(
    processes,
    events_namespace,
    billing_queue,
    settings,
    merchant,
    client_for,
    catalog,  # noqa: F811
    customer,  # noqa: F811
):
    # Given 10 trialing subscriptions whose trial has just ended (renewed by the job)
    price = catalog(1200)
    context = AuthContext(merchant=merchant, scopes=frozenset(ALL_SCOPES))
    trial_end = timezone.now() + timedelta(hours=1)
    for _ in range(10):
        customer_id, _ = customer(token=None)
        subscription_create(
            context=context,
            params=SubscriptionParams(
                customer=customer_id,
                items=[ItemChange(price=price)],
                trial_end=trial_end,
                collection_method="send_invoice",
                days_until_due=7,
            ),
        )
    ended = timezone.now()
    Subscription.objects.update(
        trial_end=ended, current_period_end=ended, billing_cycle_anchor=ended
    )
    _workers(processes, events_namespace, billing_queue, 2)

    # When the renewal job is sent twice at once, to two live workers
    for _ in range(2):
        app.send_task("payments.billing.tasks.renew_due", queue=billing_queue)

    # Then every subscription has exactly one renewal invoice for its new period
    def renewed():
        return (
            Invoice.objects.filter(billing_reason="subscription_cycle").count() == 10
            and not Subscription.objects.filter(status="trialing").exists()
        )

    wait_until(renewed, timeout=90, message=processes.logs_tail())
    time.sleep(1)
    per_period = Invoice.objects.filter(billing_reason="subscription_cycle").values_list(
        "subscription_id", "period_start"
    )
    assert len(per_period) == len(set(per_period)) == 10
    assert set(Subscription.objects.values_list("status", flat=True)) == {"active"}

    # And a test clock's advance runs on a live worker (the Celery task walks each due moment)
    settings.BILLING_TEST_CLOCK_INLINE = False
    api = client_for(merchant)
    test_clock = ok(
        api.post("/api/v1/test_clocks", {"frozen_time": "2026-01-15T00:00:00Z"}, format="json"),
        201,
    )
    customer_id, method = customer(clock=test_clock["id"])
    body = {"customer": customer_id, "items": [{"price": price}], "default_payment_method": method}
    ok(api.post("/api/v1/subscriptions", body, format="json"), 201)
    body = ok(
        api.post(
            f"/api/v1/test_clocks/{test_clock['id']}/advance",
            {"frozen_time": "2026-03-16T00:00:00Z"},
            format="json",
        )
    )
    assert body["status"] == "advancing"
    wait_until(
        lambda: TestClock.objects.get(pk=test_clock["id"]).status == "ready",
        timeout=90,
        message=processes.logs_tail(),
    )
    paid = Invoice.objects.filter(test_clock_id=test_clock["id"], status="paid")
    assert sorted(i.period_start.date().isoformat() for i in paid) == [
        "2026-01-15",
        "2026-02-15",
        "2026-03-15",
    ]


def test_ten_clients_paying_one_invoice_at_once_charge_it_once(
    merchant,
    client_for,
    catalog,  # noqa: F811
    customer,  # noqa: F811
):
    # Given an open invoice (send_invoice) and the customer's card
    api = client_for(merchant)
    customer_id, method = customer()
    sub = ok(
        api.post(
            "/api/v1/subscriptions",
            {
                "customer": customer_id,
                "items": [{"price": catalog(4200)}],
                "collection_method": "send_invoice",
                "days_until_due": 30,
            },
            format="json",
        ),
        201,
    )
    invoice_id = sub["latest_invoice"]

    def pay(index: int) -> int:
        return (
            client_for(merchant)
            .post(f"/api/v1/invoices/{invoice_id}/pay", {"payment_method": method}, format="json")
            .status_code
        )

    # When ten clients pay it at the same moment
    statuses = run_threads(10, pay)

    # Then one charge succeeded; the others were refused with 409
    assert sorted(statuses) == [200] + [409] * 9
    assert Payment.objects.filter(invoice_id=invoice_id).count() == 1
    invoice = Invoice.objects.get(pk=invoice_id)
    assert (invoice.status, invoice.amount_paid, invoice.attempt_count) == ("paid", 4200, 1)
