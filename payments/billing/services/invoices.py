"""Invoices (BILLING.md §4, §7): building lines, finalizing, paying, voiding, writing off.

Finalizing, voiding or writing off posts nothing (an invoice is a claim). Money posts only when
it moves: a card payment goes through `payment_create(..., invoice=…)` outside any transaction
and the payment's outcome booking calls `invoice_mark_paid` in the capture's transaction; a
wallet payment is one balanced entry (wallet → merchant available); credit balance and out of
band post nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from mcp_payments.accounts.context import AuthContext, system_context
from mcp_payments.agents.enforcement import policy_enforce
from mcp_payments.agents.planning import service_transaction
from mcp_payments.api.errors import ApplicationError
from mcp_payments.api.idempotency import (
    Claimed,
    Replay,
    idempotency_begin,
    idempotency_complete,
    idempotency_release,
    request_fingerprint,
)
from mcp_payments.events.services import emit
from payments.enums import PaymentStatus
from payments.exceptions import CardError
from payments.models import Customer, Payment
from wallets.exceptions import WalletNotFound
from wallets.ledger import Entry, credit, debit, merchant_account, post_entry
from wallets.models import Wallet

from ..clock import billing_now
from ..enums import (
    HARD_DECLINES,
    BillingReason,
    CollectionMethod,
    DunningInvoiceAction,
    DunningSubscriptionAction,
    InvoiceStatus,
    LineType,
    SubscriptionStatus,
)
from ..exceptions import (
    CurrencyMismatchError,
    InvoiceAlreadyPaid,
    InvoiceNotPayable,
    InvoicePaymentInProgress,
    InvoiceStateConflict,
    PaymentMethodMissing,
)
from ..models import (
    Discount,
    DunningSettings,
    Invoice,
    InvoiceItem,
    InvoiceLine,
    Subscription,
)
from ..periods import percent_of, spread
from .common import audit, emit_updated, lock_invoice, lock_subscription, mrr_sync, snapshot

DEFAULT_RETRY_DAYS = (1, 3, 7, 14)
PAYABLE = frozenset({InvoiceStatus.OPEN, InvoiceStatus.UNCOLLECTIBLE})


@dataclass
class LineDraft:
    """An invoice line before it is saved (also what previews show)."""

    type: str
    amount: int
    description: str
    period_start: datetime
    period_end: datetime
    price: Any = None
    subscription_item: str | None = None
    quantity: int | None = None
    proration: bool = False
    proration_details: dict[str, Any] | None = None
    discount_amount: int = 0
    invoice_item: InvoiceItem | None = None


@dataclass
class Totals:
    subtotal: int
    total_discount_amount: int
    total: int


def apply_discount(lines: list[LineDraft], discount: Discount | None) -> Totals:
    """Set each line's `discount_amount` (largest remainder over eligible positive lines) and
    return the invoice totals. Percent: `(2·eligible·bps + 10000) // 20000`; amount:
    `min(amount_off, eligible)`."""
    subtotal = sum(line.amount for line in lines)
    for line in lines:
        line.discount_amount = 0
    if discount is None or discount.used:
        return Totals(subtotal, 0, subtotal)
    coupon = discount.coupon
    products = set(coupon.applies_to_products or [])
    eligible = [
        line
        for line in lines
        if line.amount > 0
        and (not products or (line.price is not None and line.price.product_id in products))
    ]
    base = sum(line.amount for line in eligible)
    if base <= 0:
        return Totals(subtotal, 0, subtotal)
    if coupon.percent_off_bps:
        off = percent_of(base, coupon.percent_off_bps)
    else:
        off = min(coupon.amount_off or 0, base)
    for line, part in zip(eligible, spread(off, [line.amount for line in eligible]), strict=True):
        line.discount_amount = part
    return Totals(subtotal, off, subtotal - off)


def active_discount(subscription: Subscription | None, at: datetime) -> Discount | None:
    if subscription is None:
        return None
    discount = subscription.current_discount()
    if discount is None or discount.used or (discount.end is not None and discount.end <= at):
        return None
    return discount


def item_lines(subscription: Subscription, start: datetime, end: datetime) -> list[LineDraft]:
    """One full-price line per subscription item for the period [start, end)."""
    lines = []
    for item in subscription.priced_items():
        lines.append(
            LineDraft(
                type=LineType.SUBSCRIPTION,
                amount=item.price.unit_amount * item.quantity,
                description=f"{item.quantity} x {item.price.product.name}",
                period_start=start,
                period_end=end,
                price=item.price,
                subscription_item=item.id,
                quantity=item.quantity,
            )
        )
    return lines


def pending_lines(customer_id: str, subscription: Subscription | None) -> list[LineDraft]:
    """The customer's pending invoice items (of this subscription, or all when None)."""
    items = InvoiceItem.objects.select_related("price").filter(
        customer_id=customer_id, invoice__isnull=True
    )
    if subscription is not None:
        items = items.filter(subscription=subscription)
    return [
        LineDraft(
            type=LineType.PRORATION if item.proration else LineType.INVOICEITEM,
            amount=item.amount,
            description=item.description,
            period_start=item.period_start,
            period_end=item.period_end,
            price=item.price,
            subscription_item=item.subscription_item,
            quantity=item.quantity,
            proration=item.proration,
            proration_details=item.proration_details,
            invoice_item=item,
        )
        for item in items.order_by("id")
    ]


def invoice_build(
    *,
    customer: Customer,
    subscription: Subscription | None,
    currency: str,
    reason: str,
    period_start: datetime,
    period_end: datetime,
    lines: list[LineDraft],
    now: datetime,
    finalize_now: bool,
    collection_method: str = CollectionMethod.CHARGE_AUTOMATICALLY,
    days_until_due: int | None = None,
    caller_finalizes: bool = False,
) -> Invoice:
    """Building block (caller's transaction): a draft invoice with `lines`, its discount and
    totals, `invoice.created`, and `invoice.finalized` at once when `finalize_now` (test clocks,
    subscription creation and updates) — else it finalizes `BILLING_FINALIZE_DELAY_SECONDS`
    later. Pending invoice items among the lines are marked invoiced. With `caller_finalizes`
    the draft is returned as it is and the caller calls `finalize_locked` itself, later in its
    transaction, when `finalizes_at_once` says so. Raises IntegrityError when a renewal of the
    same period exists (the caller's savepoint makes it a no-op)."""
    discount = active_discount(subscription, now)
    totals = apply_discount(lines, discount)
    invoice = Invoice(
        merchant_id=customer.merchant_id,
        customer=customer,
        subscription=subscription,
        status=InvoiceStatus.DRAFT,
        billing_reason=reason,
        collection_method=collection_method,
        currency=currency,
        period_start=period_start,
        period_end=period_end,
        subtotal=totals.subtotal,
        total_discount_amount=totals.total_discount_amount,
        total=totals.total,
        amount_due=max(totals.total, 0),
        amount_remaining=max(totals.total, 0),
        test_clock_id=customer.test_clock_id,
        finalize_at=now + timedelta(seconds=settings.BILLING_FINALIZE_DELAY_SECONDS),
        due_date=now + timedelta(days=days_until_due)
        if collection_method == CollectionMethod.SEND_INVOICE and days_until_due is not None
        else None,
        created=now,
    )
    invoice.save(force_insert=True)
    saved = InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=invoice,
                position=position,
                type=line.type,
                price=line.price,
                subscription_item=line.subscription_item,
                quantity=line.quantity,
                amount=line.amount,
                description=line.description[:500],
                period_start=line.period_start,
                period_end=line.period_end,
                proration=line.proration,
                proration_details=line.proration_details,
                discount_amount=line.discount_amount,
            )
            for position, line in enumerate(lines)
        ]
    )
    _cache_lines(invoice, saved)
    invoiced = [line.invoice_item.pk for line in lines if line.invoice_item is not None]
    if invoiced:
        InvoiceItem.objects.filter(pk__in=invoiced).update(invoice=invoice)
    if discount is not None and discount.coupon.duration == "once" and totals.total_discount_amount:
        Discount.objects.filter(pk=discount.pk).update(used=True)
        discount.used = True
    if subscription is not None:
        Subscription.objects.filter(pk=subscription.pk).update(latest_invoice=invoice.id)
        subscription.latest_invoice = invoice.id
    emit("invoice.created", invoice)
    if not caller_finalizes and finalizes_at_once(customer, finalize_now=finalize_now):
        finalize_locked(invoice, now)
    return invoice


def finalizes_at_once(customer: Customer, *, finalize_now: bool = False) -> bool:
    """Whether a new draft of `customer` is finalized in the transaction that creates it (asked
    for, under a test clock, or with no finalization delay configured)."""
    return (
        finalize_now or bool(customer.test_clock_id) or settings.BILLING_FINALIZE_DELAY_SECONDS == 0
    )


def _cache_lines(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    """Keep the lines just written as the invoice's `lines` (they are frozen from here on), so
    its representation in `invoice.created`/`invoice.finalized` does not read them back."""
    cached = InvoiceLine.objects.filter(invoice=invoice)
    cached._result_cache = sorted(lines, key=lambda line: line.position)
    cached._prefetch_done = True
    invoice._prefetched_objects_cache = {"lines": cached}


_NEXT_NUMBER = """
    INSERT INTO billing_invoicenumbersequence AS sequence (merchant_id, last_number)
    VALUES (%s, 1)
    ON CONFLICT (merchant_id) DO UPDATE SET last_number = sequence.last_number + 1
    RETURNING last_number
"""


def _next_number(merchant_id: str) -> str:
    """The merchant's next invoice number, gapless (BILLING.md §1, §4): one statement creates
    or increments the merchant's counter row, which stays locked until the caller's transaction
    commits (a rollback gives the number back), so concurrent finalizations of one merchant
    queue here for the rest of their transaction and never skip or repeat a number."""
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_NUMBER, [merchant_id])
        (number,) = cursor.fetchone()
    return f"{merchant_id[-8:]}-{number:06d}"


def _customer_locked(customer_id: str) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer_id)


def customer_balance_add(customer_id: str, currency: str, amount: int) -> int:
    """Building block: add `amount` (negative = credit) to the customer's non-cash balance
    (never the ledger). Returns the new balance."""
    customer = _customer_locked(customer_id)
    balance = dict(customer.balance or {})
    balance[currency] = balance.get(currency, 0) + amount
    customer.balance = balance
    customer.save(update_fields=["balance"])
    return balance[currency]


def finalize_locked(invoice: Invoice, now: datetime) -> None:
    """draft → open: number under the sequence lock, customer balance applied
    (`amount_due = max(total + starting_balance, 0)`, the rest to `ending_balance`);
    `amount_due == 0` is paid at once with no payment."""
    customer = _customer_locked(invoice.customer_id)
    starting = (customer.balance or {}).get(invoice.currency, 0)
    ending = min(invoice.total + starting, 0)
    if starting != ending:
        balance = dict(customer.balance or {})
        balance[invoice.currency] = ending
        customer.balance = balance
        customer.save(update_fields=["balance"])
    invoice.number = _next_number(invoice.merchant_id)
    invoice.status = InvoiceStatus.OPEN
    invoice.starting_balance = starting
    invoice.ending_balance = ending
    invoice.amount_due = max(invoice.total + starting, 0)
    invoice.amount_remaining = invoice.amount_due
    invoice.finalized_at = now
    invoice.finalize_at = None
    invoice.save()
    emit("invoice.finalized", invoice)
    if invoice.amount_due == 0:
        mark_paid_locked(invoice, now=now, amount=0)


def mark_paid_locked(
    invoice: Invoice,
    *,
    now: datetime,
    amount: int,
    payment_id: str | None = None,
    out_of_band: bool = False,
) -> None:
    """open|uncollectible → paid, `invoice.paid`, and the subscription back to `active` when
    this invoice was what it waited for."""
    invoice.status = InvoiceStatus.PAID
    invoice.amount_paid += amount
    invoice.amount_remaining = 0
    invoice.paid_at = now
    invoice.paid_out_of_band = out_of_band
    invoice.next_payment_attempt = None
    invoice.attempt_in_progress = False
    if payment_id:
        invoice.payment = payment_id
    invoice.save()
    emit("invoice.paid", invoice)
    if invoice.subscription_id is None:
        return
    subscription = lock_subscription(None, invoice.subscription_id)
    waiting = {
        SubscriptionStatus.INCOMPLETE,
        SubscriptionStatus.PAST_DUE,
        SubscriptionStatus.UNPAID,
    }
    if subscription.status in waiting and subscription.latest_invoice == invoice.id:
        before = snapshot(subscription)
        subscription.status = SubscriptionStatus.ACTIVE
        subscription.save(update_fields=["status"])
        emit_updated("subscription.updated", subscription, before)
        mrr_sync(subscription, now)


def invoice_mark_paid(*, payment: Payment) -> Invoice | None:
    """Building block called by the payment's outcome booking, in the capture's transaction
    (it never opens one): the invoice the payment was for becomes `paid`, so the capture and
    `invoice.paid` commit together. An invoice already paid is left as it is."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_mark_paid() must be called inside transaction.atomic()")
    if not payment.invoice_id:
        return None
    invoice = lock_invoice(None, payment.invoice_id)
    if invoice.status in PAYABLE:
        mark_paid_locked(
            invoice, now=billing_now(invoice), amount=payment.amount_received, payment_id=payment.id
        )
    else:
        invoice.attempt_in_progress = False
        invoice.save(update_fields=["attempt_in_progress"])
    return invoice


def _check_payable(invoice: Invoice) -> None:
    if invoice.status == InvoiceStatus.PAID:
        raise InvoiceAlreadyPaid()
    if invoice.status not in PAYABLE:
        raise InvoiceNotPayable(f"This invoice is {invoice.status}; it cannot be paid.")


def invoice_finalize(*, context: AuthContext | None, invoice_id: str) -> Invoice:
    """draft → open (BILLING.md §4); 409 unless draft. Emits `invoice.finalized`."""
    with service_transaction():
        invoice = lock_invoice(context, invoice_id)
        if invoice.status != InvoiceStatus.DRAFT:
            raise InvoiceStateConflict(f"This invoice is {invoice.status}, not draft.")
        finalize_locked(invoice, billing_now(invoice))
        audit(context, invoice, "invoice.finalized", number=invoice.number)
    return invoice


def invoice_void(*, context: AuthContext | None, invoice_id: str) -> Invoice:
    """open|uncollectible (or draft) → void; posts nothing. Emits `invoice.voided`."""
    with service_transaction():
        invoice = lock_invoice(context, invoice_id)
        if invoice.status == InvoiceStatus.PAID:
            raise InvoiceAlreadyPaid("A paid invoice cannot be voided; refund its payment.")
        if invoice.status == InvoiceStatus.VOID:
            raise InvoiceStateConflict("This invoice is already void.")
        if invoice.attempt_in_progress:
            raise InvoicePaymentInProgress()
        void_locked(invoice, billing_now(invoice))
        audit(context, invoice, "invoice.voided")
    return invoice


def void_locked(invoice: Invoice, now: datetime) -> None:
    invoice.status = InvoiceStatus.VOID
    invoice.voided_at = now
    invoice.amount_remaining = 0
    invoice.next_payment_attempt = None
    invoice.save()
    emit("invoice.voided", invoice)


def invoice_mark_uncollectible(*, context: AuthContext | None, invoice_id: str) -> Invoice:
    """open → uncollectible (written off; posts nothing). Emits `invoice.marked_uncollectible`."""
    with service_transaction():
        invoice = lock_invoice(context, invoice_id)
        if invoice.status != InvoiceStatus.OPEN:
            raise InvoiceStateConflict(f"This invoice is {invoice.status}, not open.")
        uncollectible_locked(invoice, billing_now(invoice))
        audit(context, invoice, "invoice.marked_uncollectible")
    return invoice


def uncollectible_locked(invoice: Invoice, now: datetime) -> None:
    invoice.status = InvoiceStatus.UNCOLLECTIBLE
    invoice.marked_uncollectible_at = now
    invoice.next_payment_attempt = None
    invoice.save()
    emit("invoice.marked_uncollectible", invoice)


def invoice_create_manual(
    *, context: AuthContext, customer_id: str, subscription_id: str | None = None, **options: Any
) -> Invoice:
    """`POST /invoices`: a draft `manual` invoice from the customer's pending items (400 when
    there are none). Emits `invoice.created`."""
    from payments.selectors import customer_get

    from ..exceptions import InvoiceNothingToInvoice

    with service_transaction():
        customer = customer_get(context=context, customer_id=customer_id, param="customer")
        subscription = (
            lock_subscription(context, subscription_id) if subscription_id is not None else None
        )
        lines = pending_lines(customer.id, subscription)
        if not lines:
            raise InvoiceNothingToInvoice(param="customer")
        currencies = {line.invoice_item.currency for line in lines}
        if len(currencies) > 1:
            raise CurrencyMismatchError(param="customer")
        now = billing_now(customer)
        invoice = invoice_build(
            customer=customer,
            subscription=subscription,
            currency=currencies.pop(),
            reason=BillingReason.MANUAL,
            period_start=min(line.period_start for line in lines),
            period_end=max(line.period_end for line in lines),
            lines=lines,
            now=now,
            finalize_now=False,
            collection_method=options.get("collection_method", CollectionMethod.SEND_INVOICE),
            days_until_due=options.get("days_until_due", 30),
        )
        if options.get("metadata"):
            invoice.metadata = options["metadata"]
            invoice.save(update_fields=["metadata"])
        audit(context, invoice, "invoice.created", total=invoice.total)
    return invoice


# --- paying -----------------------------------------------------------------------------------


def invoice_pay(
    *,
    context: AuthContext | None,
    invoice_id: str,
    payment_method: str | None = None,
    paid_out_of_band: bool = False,
) -> Invoice:
    """Pay an open (or uncollectible) invoice: out of band (posts nothing), from a wallet
    (`wal_…`: one balanced entry, same transaction), or by card (`pm_…`: a payment with
    `invoice` set, outside any transaction; its capture marks the invoice paid). A draft is
    finalized first. 409 `invoice_already_paid` on a paid invoice; 409
    `invoice_payment_in_progress` while another attempt runs; 402 on a decline (the failure is
    recorded and the dunning schedule applies)."""
    with service_transaction():
        invoice = lock_invoice(context, invoice_id)
        if invoice.status == InvoiceStatus.DRAFT:
            finalize_locked(invoice, billing_now(invoice))
            if invoice.status == InvoiceStatus.PAID:
                return invoice
        _check_payable(invoice)
        if invoice.attempt_in_progress:
            raise InvoicePaymentInProgress()
        # Agent policy (BILLING.md §8): the invoice's amount_remaining, before any change.
        policy_enforce(
            context=context,
            operation="pay_invoice",
            amount=invoice.amount_remaining,
            currency=invoice.currency,
        )
        now = billing_now(invoice)
        if paid_out_of_band:
            mark_paid_locked(invoice, now=now, amount=0, out_of_band=True)
            audit(context, invoice, "invoice.paid_out_of_band")
            return invoice
        method = payment_method or _default_method(invoice)
        if method is None:
            raise PaymentMethodMissing()
        if method.startswith("wal_"):
            _pay_from_wallet(context, invoice, method, now)
            return invoice
    return _pay_by_card(context, invoice.id, method, raise_decline=True)


def _default_method(invoice: Invoice) -> str | None:
    if invoice.subscription_id is None:
        return None
    return (
        Subscription.objects.filter(pk=invoice.subscription_id)
        .values_list("default_payment_method", flat=True)
        .first()
    )


def _pay_from_wallet(context: AuthContext | None, invoice: Invoice, wallet_id: str, now) -> None:
    """One entry: debit the customer's wallet (funds checked), credit the merchant's available
    balance (wallet payments carry no platform fee)."""
    wallet = (
        Wallet.objects.select_related("account")
        .filter(pk=wallet_id, merchant_id=invoice.merchant_id)
        .first()
    )
    if wallet is None or (wallet.customer_id and wallet.customer_id != invoice.customer_id):
        raise WalletNotFound(f"No such wallet: '{wallet_id}'", param="payment_method")
    if wallet.currency != invoice.currency:
        raise CurrencyMismatchError(
            f"The wallet holds {wallet.currency}; the invoice is in {invoice.currency}.",
            param="payment_method",
        )
    amount = invoice.amount_remaining
    entry = Entry(
        kind="invoice_wallet_payment",
        legs=[
            debit(wallet.account, amount, check_funds=True),
            credit(
                merchant_account(invoice.merchant_id, "merchant_available", invoice.currency),
                amount,
            ),
        ],
        merchant_id=invoice.merchant_id,
        description=f"Invoice {invoice.number}",
        reference_id=invoice.id,
    )
    post_entry(entry)
    mark_paid_locked(invoice, now=now, amount=amount)
    audit(context, invoice, "invoice.paid", wallet=wallet_id, amount=amount, entry=entry.id)


def claim_attempt_locked(invoice: Invoice) -> Claimed | Replay:
    """Building block (caller's transaction, invoice row locked): mark a card attempt as
    begun (`attempt_count` + 1, `attempt_in_progress`), so no other attempt starts until this
    one is booked, and claim its idempotency key `invoice:{id}:attempt:{n}` in the same
    transaction (the mark and the key commit or roll back together). Returns the claim, or the
    replay of an attempt n that charged already. Raises InvoiceAlreadyPaid / InvoiceNotPayable
    / InvoicePaymentInProgress."""
    _check_payable(invoice)
    if invoice.attempt_in_progress:
        raise InvoicePaymentInProgress()
    invoice.attempt_count += 1
    invoice.attempt_in_progress = True
    invoice.save(update_fields=["attempt_count", "attempt_in_progress"])
    return idempotency_begin(
        scope=invoice.merchant_id,
        key=f"invoice:{invoice.id}:attempt:{invoice.attempt_count}",
        fingerprint=request_fingerprint("POST", f"/invoices/{invoice.id}/pay", b"{}"),
    )


def _pay_by_card(
    context: AuthContext | None, invoice_id: str, method: str, *, raise_decline: bool
) -> Invoice:
    with transaction.atomic():
        invoice = lock_invoice(context, invoice_id)
        claim = claim_attempt_locked(invoice)
    payment, declined = _charge_claimed(invoice, method, claim)
    if payment.status == PaymentStatus.SUCCEEDED:
        # The capture's transaction marked the invoice paid and cleared the attempt mark:
        # nothing is left to book; read the invoice as it is now.
        invoice = Invoice.objects.get(pk=invoice.id)
    else:
        invoice = _after_attempt(invoice.id, payment, raise_decline=False)
    if declined is not None and raise_decline:
        raise declined
    return invoice


def _charge_claimed(
    invoice: Invoice, method: str, claim: Claimed | Replay
) -> tuple[Payment, CardError | None]:
    """The card payment of an attempt claimed by `claim_attempt_locked` (committed): one
    `payment_create(..., invoice=…)` outside any transaction under the attempt's idempotency
    key (a retried job gets the first payment back, never a second charge). Returns the
    payment and the decline, if any. Any other error gives the claim back (attempt count, mark
    and key released) and propagates."""
    from payments.services.payments import PaymentRequest, payment_create

    merchant = invoice.merchant
    if isinstance(claim, Replay):  # a retried job: this attempt charged already
        return Payment.objects.get(pk=claim.body["payment"]), None
    declined: CardError | None = None
    try:
        payment = payment_create(
            context=system_context(merchant),
            request=PaymentRequest(
                amount=invoice.amount_remaining,
                currency=invoice.currency,
                customer=invoice.customer_id,
                payment_method=method,
                confirm=True,
                description=f"Invoice {invoice.number}",
                invoice=invoice.id,
            ),
        )
    except CardError as exc:
        declined = exc
        payment = Payment.objects.get(pk=exc.extra["payment"]["id"])
    except BaseException:
        idempotency_release(record_id=claim.record_id)
        with transaction.atomic():
            Invoice.objects.filter(pk=invoice.id).update(
                attempt_in_progress=False, attempt_count=F("attempt_count") - 1
            )
        raise
    idempotency_complete(record_id=claim.record_id, status=200, body={"payment": payment.id})
    return payment, declined


def _after_attempt(invoice_id: str, payment: Payment, *, raise_decline: bool) -> Invoice:
    """Book what a card attempt left that the capture did not, when the payment's own booking
    has not already (it does, in its transaction: `invoice_book_attempt`)."""
    with transaction.atomic():
        invoice = lock_invoice(None, invoice_id)
        _book_attempt_locked(invoice, payment)
    return invoice


def invoice_book_attempt(*, payment: Payment) -> None:
    """Building block called by the payment's outcome booking, in its transaction (it never
    opens one), for a decline or a 3-D Secure challenge of an invoice's payment: dunning
    (`invoice.payment_failed`) or `invoice.payment_action_required` commit with the payment's
    outcome. So an attempt whose outcome reconciliation books after a crash (the invoice job
    never saw it) still clears the invoice's attempt-in-progress mark and schedules the retry."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("invoice_book_attempt() must be called inside transaction.atomic()")
    if payment.invoice_id:
        _book_attempt_locked(lock_invoice(None, payment.invoice_id), payment)


def _book_attempt_locked(invoice: Invoice, payment: Payment) -> None:
    """A decline → dunning, a challenge → `invoice.payment_action_required`; nothing when the
    attempt is booked already (no attempt in progress) or the payment is in another state."""
    if not invoice.attempt_in_progress:
        return
    if payment.status == PaymentStatus.REQUIRES_ACTION:
        invoice.attempt_in_progress = False
        invoice.payment = payment.id
        invoice.save(update_fields=["attempt_in_progress", "payment"])
        emit("invoice.payment_action_required", invoice)
    elif payment.status == PaymentStatus.REQUIRES_PAYMENT_METHOD:
        error = payment.last_payment_error or {}
        record_failure_locked(invoice, error.get("decline_code"), payment.id)


def dunning_settings(merchant_id: str) -> DunningSettings:
    row = DunningSettings.objects.filter(merchant_id=merchant_id).first()
    return row or DunningSettings(merchant_id=merchant_id, retry_days=list(DEFAULT_RETRY_DAYS))


def record_failure_locked(invoice: Invoice, decline_code: str | None, payment_id: str) -> None:
    """A failed attempt: `invoice.payment_failed`; the subscription goes past_due; the next
    retry per the merchant's schedule (days after the first failure), none after a hard decline
    or for an incomplete subscription's first invoice; schedule exhausted → the merchant's
    subscription and invoice actions."""
    now = billing_now(invoice)
    invoice.attempt_in_progress = False
    invoice.payment = payment_id
    invoice.last_decline_code = decline_code
    invoice.first_failure_at = invoice.first_failure_at or now
    subscription = (
        lock_subscription(None, invoice.subscription_id) if invoice.subscription_id else None
    )
    config = dunning_settings(invoice.merchant_id)
    retry_days = list(config.retry_days or DEFAULT_RETRY_DAYS)
    exhausted = False
    no_retry = subscription is None or subscription.status == SubscriptionStatus.INCOMPLETE
    if no_retry or decline_code in HARD_DECLINES:
        invoice.next_payment_attempt = None
    elif invoice.attempt_count <= len(retry_days):
        invoice.next_payment_attempt = invoice.first_failure_at + timedelta(
            days=retry_days[invoice.attempt_count - 1]
        )
    else:
        invoice.next_payment_attempt = None
        exhausted = True
    invoice.save()
    emit("invoice.payment_failed", invoice)
    if subscription is None or subscription.latest_invoice != invoice.id:
        return
    before = snapshot(subscription)
    if subscription.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING):
        subscription.status = SubscriptionStatus.PAST_DUE
        subscription.save(update_fields=["status"])
        emit_updated("subscription.updated", subscription, before)
        mrr_sync(subscription, now)
    if not exhausted:
        return
    if config.invoice_action == DunningInvoiceAction.MARK_UNCOLLECTIBLE:
        uncollectible_locked(invoice, now)
    if config.subscription_action == DunningSubscriptionAction.CANCEL:
        from .subscriptions import cancel_locked

        cancel_locked(None, subscription, now, reason="payment_failed")
    elif config.subscription_action == DunningSubscriptionAction.MARK_UNPAID:
        before = snapshot(subscription)
        subscription.status = SubscriptionStatus.UNPAID
        subscription.save(update_fields=["status"])
        emit_updated("subscription.updated", subscription, before)
        mrr_sync(subscription, now)


def invoice_attempt(*, invoice_id: str) -> Invoice | None:
    """A job's payment attempt of a finalized invoice with its subscription's default method
    (no method, a refusal or a decline is recorded, never raised). Returns the invoice."""
    method = _default_method(Invoice(subscription_id=_subscription_of(invoice_id)))
    try:
        if method is None:
            return None
        if method.startswith("wal_"):
            return invoice_pay(context=None, invoice_id=invoice_id, payment_method=method)
        return _pay_by_card(None, invoice_id, method, raise_decline=False)
    except (InvoiceAlreadyPaid, InvoiceNotPayable, InvoicePaymentInProgress):
        return None
    except ApplicationError as exc:
        return _attempt_refused(invoice_id, exc)


def invoice_attempt_claimed(*, invoice: Invoice, method: str, claim: Claimed | Replay) -> None:
    """The renewal job's card attempt (`pm_…`) of an invoice whose attempt it claimed with
    `claim_attempt_locked` in the renewal's own transaction (committed): the same payment,
    idempotency key and booking as `invoice_attempt`, one transaction fewer. A decline is
    booked by the payment's outcome transaction (dunning); a refusal (e.g. a detached card) is
    a failed attempt, as in `invoice_attempt`; nothing is raised."""
    try:
        payment, _ = _charge_claimed(invoice, method, claim)
    except ApplicationError as exc:
        _attempt_refused(invoice.id, exc)
        return
    if payment.status != PaymentStatus.SUCCEEDED:
        _after_attempt(invoice.id, payment, raise_decline=False)


def _attempt_refused(invoice_id: str, exc: ApplicationError) -> Invoice:
    """e.g. insufficient wallet funds or a detached card: a failed attempt, as a decline."""
    with transaction.atomic():
        invoice = lock_invoice(None, invoice_id)
        if invoice.status in PAYABLE:
            invoice.attempt_count += 1
            invoice.save(update_fields=["attempt_count"])
            record_failure_locked(invoice, exc.code, invoice.payment or "")
    return invoice


def _subscription_of(invoice_id: str) -> str | None:
    return Invoice.objects.filter(pk=invoice_id).values_list("subscription_id", flat=True).first()


def invoice_is_collectible(invoice: Invoice) -> bool:
    return (
        invoice.status == InvoiceStatus.OPEN
        and invoice.collection_method == CollectionMethod.CHARGE_AUTOMATICALLY
        and invoice.amount_remaining > 0
    )


def unique_violation(exc: IntegrityError) -> bool:
    return "invoice_one_per_period" in str(exc)
