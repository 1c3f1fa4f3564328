"""An invoice's card attempt whose process died between the provider's answer and the booking:
reconciliation books the payment's decline, and with it the invoice's failed attempt (the
attempt-in-progress mark is cleared, dunning is scheduled), in the same transaction."""

import pytest
from django.test import override_settings

from mcp_payments.accounts.context import AuthContext
from mcp_payments.events.models import Event
from payments.billing.models import Invoice
from payments.billing.services.invoices import invoice_pay
from payments.models import Payment
from payments.services.reconciliation import payments_reconcile_processing
from tests.unit.billing.conftest import ledger_ok, ok
from tests.unit.payments.test_provider_outside_transactions import Crash, provider  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_reconciliation_books_the_decline_of_an_attempt_whose_process_died(
    api,
    merchant,
    customer,
    provider,  # noqa: F811
):
    customer_id, method = customer(token="tok_chargeDeclined")
    item = {"customer": customer_id, "amount": 4200, "currency": "usd", "description": "Setup"}
    ok(api.post("/api/v1/invoice_items", item, format="json"), 201)
    draft = ok(api.post("/api/v1/invoices", {"customer": customer_id}, format="json"), 201)
    ok(api.post(f"/api/v1/invoices/{draft['id']}/finalize", {}, format="json"))
    provider.crash_on = "authorize"

    with pytest.raises(Crash):
        invoice_pay(
            context=AuthContext(merchant=merchant, scopes=frozenset({"*"})),
            invoice_id=draft["id"],
            payment_method=method,
        )
    # What a killed process leaves (an exception handler put the mark back; SIGKILL runs none).
    Invoice.objects.filter(pk=draft["id"]).update(attempt_in_progress=True, attempt_count=1)
    payment = Payment.objects.get(invoice_id=draft["id"])
    assert payment.status == "processing"

    with override_settings(RECONCILE_AFTER_SECONDS=-1):
        assert payments_reconcile_processing() == 1

    invoice = Invoice.objects.get(pk=draft["id"])
    payment.refresh_from_db()
    assert payment.status == "requires_payment_method"
    assert (invoice.status, invoice.attempt_in_progress, invoice.attempt_count) == (
        "open",
        False,
        1,
    )
    # The provider's charge lookup carries no decline code: a soft decline, retried by dunning.
    assert (invoice.payment, invoice.last_decline_code) == (payment.id, None)
    assert Event.objects.filter(type="invoice.payment_failed", object_id=invoice.id).count() == 1
    # The next attempt is not refused as "in progress": the mark is gone.
    provider.crash_on = ""
    retry = api.post(
        f"/api/v1/invoices/{invoice.id}/pay", {"payment_method": method}, format="json"
    )
    assert retry.json()["error"]["code"] == "card_declined"
    assert ledger_ok()
