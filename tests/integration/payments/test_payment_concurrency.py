"""Real threads against PostgreSQL: concurrent refunds never exceed what was received;
concurrent captures capture once."""

import pytest

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.scopes import ALL_SCOPES
from mcp_payments.api.errors import ApplicationError
from payments.models import Payment, Refund
from payments.services.payment_methods import payment_method_create
from payments.services.payments import PaymentRequest, payment_capture, payment_create
from payments.services.refunds import refund_create
from tests.fixtures.factories import MerchantFactory
from tests.fixtures.threads import run_threads
from wallets import ledger

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clear_platform_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


def status_or_code(call) -> str:
    """The call's object status, or the code of its refusal."""
    try:
        return call().status
    except ApplicationError as exc:
        return exc.code


def new_payment(capture_method="automatic"):
    context = AuthContext(merchant=MerchantFactory(), scopes=frozenset(ALL_SCOPES))
    method = payment_method_create(context=context, token="tok_visa")
    payment = payment_create(
        context=context,
        request=PaymentRequest(
            amount=10_000,
            currency="usd",
            payment_method=method.id,
            capture_method=capture_method,
            confirm=True,
        ),
    )
    return context, payment


def test_ten_simultaneous_refunds_never_exceed_the_amount_received():
    context, payment = new_payment()
    results = run_threads(
        10,
        lambda i: status_or_code(
            lambda: refund_create(context=context, payment_id=payment.id, amount=3_000)
        ),
    )
    assert sorted(results) == ["amount_too_large"] * 7 + ["succeeded"] * 3
    assert Payment.objects.get(pk=payment.id).amount_refunded == 9_000
    assert sum(Refund.objects.values_list("amount", flat=True)) == 9_000


def test_concurrent_captures_capture_once():
    context, payment = new_payment(capture_method="manual")
    results = run_threads(
        5, lambda i: status_or_code(lambda: payment_capture(context=context, payment_id=payment.id))
    )
    assert sorted(results) == ["payment_not_capturable"] * 4 + ["succeeded"]
    assert Payment.objects.get(pk=payment.id).amount_received == 10_000
