"""Provider calls happen outside any transaction and row lock (record intent → call → book):
a process dying between the provider's answer and the booking leaves a `processing` payment
that reconciliation heals from the provider's record, with the ledger balanced."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from mcp_payments.accounts.context import AuthContext
from mcp_payments.events.models import Event
from payments import providers
from payments.models import Payment, Refund
from payments.providers.sandbox import SandboxProvider
from payments.services.payment_methods import payment_method_create
from payments.services.payments import (
    PaymentRequest,
    payment_cancel,
    payment_capture,
    payment_confirm,
    payment_create,
)
from payments.services.reconciliation import payments_reconcile_processing
from payments.services.refunds import refund_create, refunds_reconcile_pending
from wallets.models import JournalEntry

pytestmark = pytest.mark.django_db(transaction=True)


class Crash(BaseException):
    """The process dies (not an error any code path catches)."""


class CrashingProvider(SandboxProvider):
    """The sandbox, answering; then the process dies before the answer is booked. Records
    whether a transaction was open during each call."""

    crash_on: str = ""
    calls: list[tuple[str, bool]] = []

    def _called(self, name: str) -> None:
        type(self).calls.append((name, connection.in_atomic_block))

    def authorize(self, **kwargs):
        result = super().authorize(**kwargs)
        self._called("authorize")
        if self.crash_on == "authorize":
            raise Crash()
        return result

    def capture(self, **kwargs):
        result = super().capture(**kwargs)
        self._called("capture")
        if self.crash_on == "capture":
            raise Crash()
        return result

    def void(self, **kwargs):
        super().void(**kwargs)
        self._called("void")
        if self.crash_on == "void":
            raise Crash()

    def tokenize(self, **kwargs):
        self._called("tokenize")
        return super().tokenize(**kwargs)


@pytest.fixture
def provider():
    saved = providers._provider
    provider = CrashingProvider()
    CrashingProvider.calls = []
    providers._provider = provider
    yield provider
    providers._provider = saved


@pytest.fixture
def context(merchant):
    return AuthContext(merchant=merchant, scopes=frozenset({"*"}))


def authorized(context) -> Payment:
    method = payment_method_create(context=context, token="tok_visa")
    return payment_create(
        context=context,
        request=PaymentRequest(
            amount=5_000,
            currency="usd",
            payment_method=method.id,
            capture_method="manual",
            confirm=True,
        ),
    )


def ledger_is_balanced() -> bool:
    out = StringIO()
    try:
        call_command("ledger_verify", stdout=out)
    except SystemExit as exit_:
        return exit_.code in (0, None)
    return True


def reconcile() -> int:
    with override_settings(RECONCILE_AFTER_SECONDS=-1):
        return payments_reconcile_processing()


def test_a_crash_after_the_capture_is_healed_by_reconciliation(provider, context):
    payment = authorized(context)
    provider.crash_on = "capture"

    with pytest.raises(Crash):
        payment_capture(context=context, payment_id=payment.id)
    stuck = Payment.objects.get(pk=payment.pk).status
    healed = reconcile()

    payment.refresh_from_db()
    assert stuck == "processing"
    assert healed == 1
    assert (payment.status, payment.amount_received) == ("succeeded", 5_000)
    assert payment.capture_entry_id is not None
    assert ledger_is_balanced()
    assert ("capture", False) in CrashingProvider.calls


def test_a_crash_after_the_void_is_healed_to_canceled(provider, context):
    payment = authorized(context)
    provider.crash_on = "void"

    with pytest.raises(Crash):
        payment_cancel(context=context, payment_id=payment.id, reason="abandoned")
    healed = reconcile()

    payment.refresh_from_db()
    assert healed == 1
    assert (payment.status, payment.cancellation_reason) == ("canceled", "abandoned")
    assert ledger_is_balanced()
    assert ("void", False) in CrashingProvider.calls


def test_a_crash_after_the_authorization_of_a_confirm_is_healed(provider, context):
    method = payment_method_create(context=context, token="tok_visa")
    payment = payment_create(
        context=context,
        request=PaymentRequest(amount=2_500, currency="usd", payment_method=method.id),
    )
    provider.crash_on = "authorize"

    with pytest.raises(Crash):
        payment_confirm(context=context, payment_id=payment.id)
    healed = reconcile()

    payment.refresh_from_db()
    assert healed == 1
    assert (payment.status, payment.amount_received) == ("succeeded", 2_500)
    assert ledger_is_balanced()


def test_no_provider_call_runs_inside_a_transaction(provider, context):
    payment = authorized(context)
    payment_capture(context=context, payment_id=payment.id, amount_to_capture=3_000)
    other = authorized(context)
    payment_cancel(context=context, payment_id=other.id)
    pending = payment_create(
        context=context,
        request=PaymentRequest(
            amount=700,
            currency="usd",
            payment_method=payment_method_create(context=context, token="tok_visa").id,
        ),
    )
    payment_confirm(context=context, payment_id=pending.id)

    names = {name for name, _ in CrashingProvider.calls}
    assert {"tokenize", "authorize", "capture", "void"} <= names
    assert [call for call in CrashingProvider.calls if call[1]] == []


class CrashingRefunds(CrashingProvider):
    def refund(self, **kwargs):
        result = super().refund(**kwargs)
        self._called("refund")
        if self.crash_on == "refund":
            raise Crash()
        return result


@pytest.fixture
def refunds_provider():
    saved = providers._provider
    provider = CrashingRefunds()
    CrashingProvider.calls = []
    providers._provider = provider
    yield provider
    providers._provider = saved


def captured(context) -> Payment:
    method = payment_method_create(context=context, token="tok_visa")
    return payment_create(
        context=context,
        request=PaymentRequest(
            amount=4_000, currency="usd", payment_method=method.id, confirm=True
        ),
    )


def test_a_crash_after_the_refund_is_healed_by_reconciliation(refunds_provider, context):
    payment = captured(context)
    refunds_provider.crash_on = "refund"

    with pytest.raises(Crash):
        refund_create(context=context, payment_id=payment.id, amount=1_500)
    stuck = Refund.objects.get()
    with override_settings(RECONCILE_AFTER_SECONDS=-1):
        healed = refunds_reconcile_pending()

    refund = Refund.objects.get()
    payment.refresh_from_db()
    assert (stuck.status, healed) == ("pending", 1)
    assert (refund.status, refund.provider_refund_id is not None) == ("succeeded", True)
    assert payment.amount_refunded == 1_500
    assert list(
        Event.objects.filter(object_id=refund.id)
        .order_by("sequence")
        .values_list("type", flat=True)
    ) == ["refund.created", "refund.succeeded"]
    assert ledger_is_balanced()
    assert ("refund", False) in CrashingProvider.calls


def test_a_refund_the_provider_never_saw_is_failed_and_reversed(refunds_provider, context):
    payment = captured(context)

    def lost(**kwargs):
        raise Crash()

    refunds_provider.refund = lost
    with pytest.raises(Crash):
        refund_create(context=context, payment_id=payment.id)
    with override_settings(RECONCILE_AFTER_SECONDS=-1):
        refunds_reconcile_pending()

    refund = Refund.objects.get()
    payment.refresh_from_db()
    assert (refund.status, refund.failure_reason) == ("failed", "not_found_at_provider")
    assert payment.amount_refunded == 0
    kinds = sorted(
        JournalEntry.objects.filter(reference_id=refund.id).values_list("kind", flat=True)
    )
    assert kinds == ["refund", "refund_reversal"]
    assert ledger_is_balanced()
