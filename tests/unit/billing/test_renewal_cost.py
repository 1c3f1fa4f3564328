"""What one renewal costs (docs/billing.md "Performance"): a due card subscription is renewed —
invoice created and finalized, charged through the payment service, paid, ledger posted — in a
bounded number of SQL statements, so a change that brings back a per-renewal re-read (items,
discount, invoice lines, the counter row read-modify-write) fails here, not in the benchmark."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.billing.models import Invoice, Subscription
from payments.billing.services.lifecycle import renew_due
from payments.models import Payment
from tests.unit.billing.conftest import ledger_ok, ok

pytestmark = pytest.mark.django_db

# Statements of one card renewal as the test database sees them: its 4 transactions are
# savepoints here (8 statements more than in production, where the benchmark counts 43).
STATEMENT_BUDGET = 51


def test_a_card_renewal_is_paid_within_the_statement_budget(
    api, merchant, catalog, customer, subscribe, settings, django_assert_max_num_queries
):
    settings.BILLING_FINALIZE_DELAY_SECONDS = 0  # as the benchmark: finalized and charged at once
    customer_id, method = customer()
    created = ok(subscribe(customer_id, catalog(1500), method), 201)
    due = timezone.now() - timedelta(seconds=1)
    Subscription.objects.filter(pk=created["id"]).update(current_period_end=due)

    with django_assert_max_num_queries(STATEMENT_BUDGET):
        assert renew_due(limit=10) == 1

    invoice = Invoice.objects.get(
        subscription_id=created["id"], billing_reason="subscription_cycle"
    )
    payment = Payment.objects.get(invoice_id=invoice.id)
    assert (invoice.status, invoice.amount_paid, invoice.attempt_count) == ("paid", 1500, 1)
    assert (invoice.attempt_in_progress, invoice.payment, invoice.period_start) == (
        False,
        payment.id,
        due,
    )
    assert invoice.number == f"{merchant.id[-8:]}-000002"  # the first invoice has -000001
    assert (payment.status, payment.amount_received) == ("succeeded", 1500)
    subscription = Subscription.objects.get(pk=created["id"])
    assert (subscription.status, subscription.latest_invoice) == ("active", invoice.id)
    assert ledger_ok()
