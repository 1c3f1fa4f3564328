"""The payment state machine (API.md §3).

    requires_payment_method → requires_confirmation → (requires_action) → processing
      → requires_capture (manual) → succeeded;   or canceled.

A confirm runs in two transactions around the provider call, never holding a lock across it:
the first records `processing` (so a crash mid-call leaves a payment that reconciliation asks the
provider about), the second books the outcome — status, ledger entry, events and audit together.
A decline returns the payment to `requires_payment_method` with `last_payment_error` and raises
`CardError` (402) after that transaction commits.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from compliance.kyc import kyc_check_amount
from compliance.risk import RiskAssessment, risk_review_open, risk_score_payment
from compliance.rules.attributes import risk_subject_for
from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.agents.enforcement import policy_check, policy_enforce
from mcp_payments.agents.planning import service_transaction
from mcp_payments.api.logging import interface_var
from mcp_payments.audit.records import audit_record
from mcp_payments.events.jobs import enqueue_on_commit
from mcp_payments.events.services import emit, emit_many
from payments.enums import CANCELABLE, CONFIRMABLE, CaptureMethod, PaymentStatus
from payments.exceptions import (
    AmountExceedsCapturable,
    CardError,
    PaymentMethodCustomerMismatch,
    PaymentMethodDetached,
    PaymentMethodRequired,
    PaymentNotCancelable,
    PaymentNotCapturable,
    PaymentNotFound,
    PaymentUnexpectedState,
    ProviderUnavailableError,
)
from payments.fees import card_fee, pricing_for
from payments.ledger_entries import capture_entry
from payments.models import Payment, PaymentMethod
from payments.providers import get_provider
from payments.providers.base import ChargeResult, ProviderTimeout, ProviderUnavailable
from payments.representations import PaymentSerializer
from payments.selectors import customer_get, payment_method_get
from wallets.ledger import post_entry


@dataclass
class PaymentRequest:
    amount: int
    currency: str
    customer: str | None = None
    payment_method: str | None = None
    capture_method: str = CaptureMethod.AUTOMATIC
    confirm: bool = False
    description: str | None = None
    metadata: dict[str, str] | None = None
    wallet_id: str | None = None
    ip_address: str | None = None
    # Billing: the invoice (in_…) this payment pays; its capture marks the invoice paid.
    invoice: str | None = None


def _scoped_payments(context: AuthContext | None):
    payments = Payment.objects.select_related("payment_method", "customer")
    if context is not None and context.merchant is not None:
        return payments.filter(merchant=context.merchant)
    if context is not None and not context.is_platform_staff:
        return payments.none()
    return payments


def _lock(context: AuthContext | None, payment_id: str) -> Payment:
    payment = (
        _scoped_payments(context).select_for_update(of=("self",)).filter(pk=payment_id).first()
    )
    if payment is None:
        raise PaymentNotFound(f"No such payment: '{payment_id}'", param="id")
    return payment


def _touch(payment: Payment, **fields) -> None:
    for name, value in fields.items():
        setattr(payment, name, value)
    payment.updated = timezone.now()
    payment.save(update_fields=[*fields, "updated"])


def _audit(context: AuthContext | None, payment: Payment, action: str, **after) -> None:
    audit_record(
        context=context,
        action=action,
        object_type="payment",
        object_id=payment.id,
        merchant_id=payment.merchant_id,
        after={"status": payment.status, "currency": payment.currency, **after},
    )


def payment_origin(context: AuthContext | None) -> tuple[str, str | None]:
    """(source, api key id) of a call: `mcp` for MCP tool calls, `dashboard` for a signed-in
    user, `api` for an API key (the key is kept for api and mcp calls)."""
    if interface_var.get() == "mcp":
        source = "mcp"
    elif context is not None and context.api_key is None and context.user is not None:
        source = "dashboard"
    else:
        source = "api"
    return source, context.api_key.id if context is not None and context.api_key else None


def _resolve_method(
    context: AuthContext, payment_method_id: str, customer_id: str | None
) -> PaymentMethod:
    method = payment_method_get(context=context, payment_method_id=payment_method_id)
    if method.detached_at is not None:
        raise PaymentMethodDetached(param="payment_method")
    if customer_id and method.customer_id and method.customer_id != customer_id:
        raise PaymentMethodCustomerMismatch()
    return method


def payment_create(
    *, context: AuthContext, request: PaymentRequest, operation: str = "create_payment"
) -> Payment:
    """Create a payment; with `confirm`, confirm it in the same call (402 on decline).
    Emits `payment.created`. The caller's agent policy applies to `operation` (a top-up passes
    `top_up_wallet`); with `confirm` the amount counts against it (403, or an approval)."""
    if context.merchant is None:
        raise MerchantRequired()
    if request.confirm:
        # No query: refused or sent for approval before the provider is asked anything.
        policy_check(
            context=context, operation=operation, amount=request.amount, currency=request.currency
        )
    customer = (
        customer_get(context=context, customer_id=request.customer, param="customer")
        if request.customer
        else None
    )
    method = (
        _resolve_method(context, request.payment_method, request.customer)
        if request.payment_method
        else None
    )
    if request.confirm and method is None:
        raise PaymentMethodRequired()
    kyc_check_amount(customer_id=request.customer, amount=request.amount, currency=request.currency)
    now = timezone.now()
    source, api_key_id = payment_origin(context)
    payment = Payment(
        merchant=context.merchant,
        source=source,
        api_key_id=api_key_id,
        customer=customer,
        payment_method=method,
        wallet_id=request.wallet_id,
        amount=request.amount,
        currency=request.currency,
        capture_method=request.capture_method,
        description=request.description,
        metadata=request.metadata or {},
        ip_address=request.ip_address,
        invoice_id=request.invoice,
        status=PaymentStatus.REQUIRES_CONFIRMATION
        if method
        else PaymentStatus.REQUIRES_PAYMENT_METHOD,
        created=now,
        updated=now,
    )
    if not request.confirm:
        with service_transaction():
            policy_enforce(context=context, operation=operation)
            payment.save(force_insert=True)
            emit("payment.created", payment)
        return payment
    assessment = _assess(payment)
    with service_transaction():
        policy_enforce(
            context=context, operation=operation, amount=payment.amount, currency=payment.currency
        )
        payment.risk = assessment.as_dict()
        if assessment.level != "highest":
            payment.status = PaymentStatus.PROCESSING
        payment.save(force_insert=True)
        emit("payment.created", payment)
        if assessment.level == "highest":
            _block(context, payment, assessment)
    if assessment.level == "highest":
        _raise_card_error(payment)
    return _authorize(context, payment, assessment)


def payment_confirm(
    *, context: AuthContext, payment_id: str, payment_method: str | None = None
) -> Payment:
    """Confirm with the attached (or given) payment method. 409 unless the payment awaits a
    payment method or confirmation; 402 on decline or risk block. The card is looked up at the
    provider (`tokenize`) before the payment's row is locked, never while it is held."""
    current = _scoped_payments(context).filter(pk=payment_id).first()
    if current is None:
        raise PaymentNotFound(f"No such payment: '{payment_id}'", param="id")
    _require_confirmable(current)
    method = (
        _resolve_method(context, payment_method, current.customer_id)
        if payment_method
        else current.payment_method
    )
    if method is None:
        raise PaymentMethodRequired()
    policy_check(
        context=context,
        operation="confirm_payment",
        amount=current.amount,
        currency=current.currency,
    )
    card = get_provider().tokenize(token=method.provider_token)
    with service_transaction():
        payment = _lock(context, payment_id)
        _require_confirmable(payment)
        policy_enforce(
            context=context,
            operation="confirm_payment",
            amount=payment.amount,
            currency=payment.currency,
        )
        payment.payment_method = method
        assessment = _score(payment, card.risk_signal)
        payment.risk = assessment.as_dict()
        payment.source, payment.api_key_id = payment_origin(context)
        if assessment.level == "highest":
            _block(context, payment, assessment)
            blocked = True
        else:
            _touch(
                payment,
                payment_method=payment.payment_method,
                risk=payment.risk,
                source=payment.source,
                api_key_id=payment.api_key_id,
                status=PaymentStatus.PROCESSING,
                last_payment_error=None,
            )
            blocked = False
    if blocked:
        _raise_card_error(payment)
    return _authorize(context, payment, assessment)


def _require_confirmable(payment: Payment) -> None:
    if payment.status not in CONFIRMABLE:
        raise PaymentUnexpectedState(f"This payment is {payment.status}; it cannot be confirmed.")


def _assess(payment: Payment) -> RiskAssessment:
    """Look the card up at the provider (outside any transaction) and score the payment."""
    card = get_provider().tokenize(token=payment.payment_method.provider_token)
    return _score(payment, card.risk_signal)


def _score(payment: Payment, provider_signal: str | None) -> RiskAssessment:
    """Score a payment (attributes as of its creation, model, merchant rules)."""
    return risk_score_payment(subject=risk_subject_for(payment, provider_signal))


def _block(context: AuthContext, payment: Payment, assessment: RiskAssessment) -> None:
    """Risk level highest: the payment is refused before the provider sees it (402
    `payment_blocked`, decline_code `blocked_by_rule` for a merchant rule, else
    `highest_risk_level`). Emits `payment.failed`."""
    payment.status = PaymentStatus.REQUIRES_PAYMENT_METHOD
    payment.last_payment_error = {
        "code": "payment_blocked",
        "decline_code": assessment.decline_code,
        "message": "The payment was blocked by risk controls.",
    }
    payment.updated = timezone.now()
    payment.save(
        update_fields=[
            "status",
            "last_payment_error",
            "risk",
            "payment_method",
            "source",
            "api_key_id",
            "updated",
        ]
    )
    emit("payment.failed", payment)


def _raise_card_error(payment: Payment) -> None:
    error = payment.last_payment_error
    raise CardError(
        code=error["code"],
        decline_code=error.get("decline_code"),
        message=error["message"],
        payment=PaymentSerializer(payment).data,
    )


def _authorize(context: AuthContext, payment: Payment, assessment: RiskAssessment) -> Payment:
    """Call the provider for a payment in `processing` and book what it answered."""
    capture = payment.capture_method == CaptureMethod.AUTOMATIC
    try:
        result = get_provider().authorize(
            reference=payment.id,
            token=payment.payment_method.provider_token,
            amount=payment.amount,
            currency=payment.currency,
            capture=capture,
        )
    except ProviderTimeout:
        with transaction.atomic():
            emit("payment.processing", payment)
        return payment
    except ProviderUnavailable:
        result = ChargeResult(
            outcome="declined",
            decline_code=None,
            message="The payment provider could not process the payment; try again.",
        )
        return _book(context, payment, result, assessment, error_code="processing_error")
    return _book(context, payment, result, assessment)


def _book(
    context: AuthContext | None,
    payment: Payment,
    result: ChargeResult,
    assessment: RiskAssessment | None,
    error_code: str = "card_declined",
) -> Payment:
    """Book a provider outcome and raise `CardError` (402) if it was a decline."""
    payment = payment_book_outcome(
        context=context,
        payment_id=payment.id,
        result=result,
        assessment=assessment,
        error_code=error_code,
    )
    if payment.status == PaymentStatus.REQUIRES_PAYMENT_METHOD:
        _raise_card_error(payment)
    return payment


def payment_book_outcome(
    *,
    context: AuthContext | None,
    payment_id: str,
    result: ChargeResult,
    assessment: RiskAssessment | None = None,
    error_code: str = "card_declined",
) -> Payment:
    """Record a provider outcome for a payment in `processing` or `requires_action` (a payment
    already resolved is returned unchanged: reconciliation and a retry cannot book twice)."""
    with service_transaction():
        current = _lock(None, payment_id)
        if current.status not in (PaymentStatus.PROCESSING, PaymentStatus.REQUIRES_ACTION):
            return current  # booked already (reconciliation or a concurrent retry)
        payment = current
        if result.charge_id:
            payment.provider_charge_id = result.charge_id
        if result.outcome == "declined":
            _touch(
                payment,
                provider_charge_id=payment.provider_charge_id,
                status=PaymentStatus.REQUIRES_PAYMENT_METHOD,
                last_payment_error={
                    "code": error_code,
                    "decline_code": result.decline_code,
                    "message": result.message,
                },
            )
            emit("payment.failed", payment)
        elif result.outcome == "requires_action":
            _touch(
                payment,
                provider_charge_id=payment.provider_charge_id,
                status=PaymentStatus.REQUIRES_ACTION,
                next_action={
                    "type": "redirect_to_url",
                    "redirect_to_url": {"url": f"/api/v1/sandbox/3ds/{payment.id}"},
                },
            )
            emit("payment.requires_action", payment)
        elif result.outcome == "authorized":
            _touch(
                payment,
                provider_charge_id=payment.provider_charge_id,
                status=PaymentStatus.REQUIRES_CAPTURE,
                amount_capturable=payment.amount,
                authorized_at=timezone.now(),
                next_action=None,
            )
            emit("payment.amount_capturable_updated", payment)
        else:
            _capture_booked(context, payment, result.amount_captured, authorized=True)
            if result.dispute_expected:
                _schedule_sandbox_dispute(payment.id)
        if payment.invoice_id and result.outcome in ("declined", "requires_action"):
            from payments.billing.services.invoices import invoice_book_attempt

            invoice_book_attempt(payment=payment)
        if (
            assessment is not None
            and assessment.level == "elevated"
            and result.outcome != "declined"
        ):
            risk_review_open(
                merchant_id=payment.merchant_id, object_id=payment.id, assessment=assessment
            )
    return payment


def _capture_booked(
    context: AuthContext | None, payment: Payment, amount: int, *, authorized: bool
) -> None:
    """Book captured funds: the ledger entry, status `succeeded`, events and audit."""
    fee = card_fee(amount, pricing_for(payment.merchant_id, payment.currency))
    entry = capture_entry(payment, amount, fee)
    post_entry(entry)
    now = timezone.now()
    _touch(
        payment,
        provider_charge_id=payment.provider_charge_id,
        status=PaymentStatus.SUCCEEDED,
        amount_received=amount,
        amount_capturable=0,
        fee=fee,
        captured_at=now,
        authorized_at=payment.authorized_at or now,
        capture_entry_id=entry.id,
        next_action=None,
    )
    emit_many([("payment.captured", payment), ("payment.succeeded", payment)])
    _audit(context, payment, "payment.captured", amount_received=amount, fee=fee)
    if payment.invoice_id:
        from payments.billing.services.invoices import invoice_mark_paid

        invoice_mark_paid(payment=payment)


def _schedule_sandbox_dispute(payment_id: str) -> None:
    enqueue_on_commit(
        "payments.tasks.open_sandbox_dispute",
        args=[payment_id],
        countdown=settings.SANDBOX_DISPUTE_DELAY_SECONDS,
    )


def payment_complete_3ds(*, context: AuthContext, payment_id: str, succeeded: bool) -> Payment:
    """The sandbox's 3-D Secure page: the cardholder passes or fails the challenge."""
    with service_transaction():
        payment = _lock(context, payment_id)
        if payment.status != PaymentStatus.REQUIRES_ACTION:
            raise PaymentUnexpectedState(f"This payment is {payment.status}, not requires_action.")
    result = get_provider().complete_authentication(
        reference=payment.id,
        charge_id=payment.provider_charge_id,
        succeeded=succeeded,
        capture=payment.capture_method == CaptureMethod.AUTOMATIC,
    )
    # Any risk review was opened when the challenge was first requested.
    return _book(context, payment, result, None)


def payment_capture(
    *, context: AuthContext, payment_id: str, amount_to_capture: int | None = None
) -> Payment:
    """Capture an authorization fully or partly; the rest is released. Emits
    `payment.captured` and `payment.succeeded`; audited.

    Three steps, never holding the row lock across the provider call: record the intent (the
    payment is `processing` until the provider answered), call the provider, book the outcome.
    A crash in between leaves a `processing` payment that reconciliation resolves from the
    provider's record (captured → booked; still authorized → back to `requires_capture`)."""
    with service_transaction():
        payment = _lock(context, payment_id)
        policy_enforce(context=context, operation="capture_payment")
        if payment.status != PaymentStatus.REQUIRES_CAPTURE:
            raise PaymentNotCapturable(f"This payment is {payment.status}.")
        amount = payment.amount_capturable if amount_to_capture is None else amount_to_capture
        if amount > payment.amount_capturable:
            raise AmountExceedsCapturable(
                f"Cannot capture {amount}: only {payment.amount_capturable} is capturable."
            )
        _touch(payment, status=PaymentStatus.PROCESSING)
    try:
        result = get_provider().capture(charge_id=payment.provider_charge_id, amount=amount)
    except ProviderUnavailable:
        _book_still_authorized(context, payment)
        raise ProviderUnavailableError() from None
    return payment_book_outcome(context=context, payment_id=payment.id, result=result)


def _book_still_authorized(context: AuthContext | None, payment: Payment) -> Payment:
    """The provider refused to act (unavailable): the authorization stands as it was."""
    return payment_book_outcome(
        context=context,
        payment_id=payment.id,
        result=ChargeResult("authorized", payment.provider_charge_id),
    )


def payment_cancel(
    *, context: AuthContext | None, payment_id: str, reason: str = "requested_by_customer"
) -> Payment:
    """Cancel before capture (an authorization is voided at the provider). Emits
    `payment.canceled`; 409 `payment_not_cancelable` otherwise.

    An authorization is voided in three steps (intent `processing` with the reason, provider
    call outside any lock, booking); reconciliation books a crash in between from the
    provider's record (voided → canceled)."""
    with service_transaction():
        payment = _lock(context, payment_id)
        policy_enforce(context=context, operation="cancel_payment")
        if payment.status not in CANCELABLE:
            raise PaymentNotCancelable(f"This payment is {payment.status}.")
        if payment.status != PaymentStatus.REQUIRES_CAPTURE:
            return _canceled(context, payment, reason)
        _touch(payment, status=PaymentStatus.PROCESSING, cancellation_reason=reason)
    try:
        get_provider().void(charge_id=payment.provider_charge_id)
    except ProviderUnavailable:
        _book_still_authorized(context, payment)
        raise ProviderUnavailableError() from None
    return payment_book_canceled(context=context, payment_id=payment.id)


def _canceled(context: AuthContext | None, payment: Payment, reason: str) -> Payment:
    _touch(
        payment,
        status=PaymentStatus.CANCELED,
        amount_capturable=0,
        cancellation_reason=reason,
        next_action=None,
    )
    emit("payment.canceled", payment)
    _audit(context, payment, "payment.canceled", reason=reason)
    return payment


def payment_book_canceled(*, context: AuthContext | None, payment_id: str) -> Payment:
    """Book a void the provider confirmed for a payment `processing` its cancel (a payment
    already resolved is returned unchanged: reconciliation and the caller cannot book twice)."""
    with service_transaction():
        payment = _lock(None, payment_id)
        if payment.status != PaymentStatus.PROCESSING:
            return payment
        return _canceled(context, payment, payment.cancellation_reason or "requested_by_customer")


def payment_expire_authorizations(*, limit: int = 200) -> int:
    """Cancel authorizations left uncaptured past their expiry (beat job)."""
    cutoff = timezone.now() - timedelta(seconds=settings.AUTHORIZATION_EXPIRY_SECONDS)
    due = list(
        Payment.objects.filter(
            status=PaymentStatus.REQUIRES_CAPTURE, authorized_at__lt=cutoff
        ).values_list("id", flat=True)[:limit]
    )
    expired = 0
    for payment_id in due:
        try:
            payment_cancel(context=None, payment_id=payment_id, reason="expired")
            expired += 1
        except PaymentNotCancelable:
            continue  # captured or canceled meanwhile
    return expired
