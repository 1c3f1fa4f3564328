"""Reads of payments objects, always scoped to the caller's merchant."""

from datetime import datetime

from django.db.models import Q, QuerySet

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.scoping import merchant_scoped

from .exceptions import (
    CustomerNotFound,
    DisputeNotFound,
    PaymentMethodNotFound,
    PaymentNotFound,
    RefundNotFound,
)
from .models import Customer, Dispute, Payment, PaymentMethod, Refund

_scoped = merchant_scoped  # one merchant-scoping rule (mcp_payments.accounts.scoping)


def customer_list(*, context: AuthContext, email: str | None = None) -> QuerySet[Customer]:
    customers = _scoped(Customer.objects.filter(deleted_at__isnull=True), context)
    if email:
        customers = customers.filter(email=email)
    return customers


def customer_get(
    *, context: AuthContext, customer_id: str, for_update: bool = False, param: str = "id"
) -> Customer:
    """The caller's customer (erased ones included); another merchant's id is a 404 too."""
    customers = _scoped(Customer.objects.all(), context)
    if for_update:
        customers = customers.select_for_update()
    customer = customers.filter(pk=customer_id).first()
    if customer is None:
        raise CustomerNotFound(f"No such customer: '{customer_id}'", param=param)
    return customer


def payment_method_list(*, context: AuthContext, customer: str | None = None) -> QuerySet:
    methods = _scoped(PaymentMethod.objects.filter(detached_at__isnull=True), context)
    return methods.filter(customer_id=customer) if customer else methods


def payment_method_get(
    *, context: AuthContext, payment_method_id: str, for_update: bool = False
) -> PaymentMethod:
    methods = _scoped(PaymentMethod.objects.all(), context)
    if for_update:
        methods = methods.select_for_update()
    method = methods.filter(pk=payment_method_id).first()
    if method is None:
        raise PaymentMethodNotFound(
            f"No such payment method: '{payment_method_id}'", param="payment_method"
        )
    return method


def payment_list(
    *, context: AuthContext, status: str | None = None, customer: str | None = None
) -> QuerySet[Payment]:
    payments = _scoped(Payment.objects.all(), context)
    if status:
        payments = payments.filter(status=status)
    if customer:
        payments = payments.filter(customer_id=customer)
    return payments


def payment_get(*, context: AuthContext, payment_id: str, param: str = "id") -> Payment:
    payment = _scoped(Payment.objects.all(), context).filter(pk=payment_id).first()
    if payment is None:
        raise PaymentNotFound(f"No such payment: '{payment_id}'", param=param)
    return payment


def refund_list(*, context: AuthContext, payment: str | None = None) -> QuerySet[Refund]:
    refunds = _scoped(Refund.objects.all(), context)
    return refunds.filter(payment_id=payment) if payment else refunds


def refund_get(*, context: AuthContext, refund_id: str) -> Refund:
    refund = _scoped(Refund.objects.all(), context).filter(pk=refund_id).first()
    if refund is None:
        raise RefundNotFound(f"No such refund: '{refund_id}'", param="id")
    return refund


def dispute_list(*, context: AuthContext, status: str | None = None) -> QuerySet[Dispute]:
    disputes = _scoped(Dispute.objects.select_related("payment"), context)
    return disputes.filter(status=status) if status else disputes


def dispute_get(*, context: AuthContext, dispute_id: str) -> Dispute:
    dispute = dispute_list(context=context).filter(pk=dispute_id).first()
    if dispute is None:
        raise DisputeNotFound(f"No such dispute: '{dispute_id}'", param="id")
    return dispute


def payments_captured_at_or_above(
    *,
    context: AuthContext,
    start: datetime,
    end: datetime,
    thresholds: dict[str, int],
    default_threshold: int,
) -> QuerySet[Payment]:
    """Payments captured in [start, end) whose `amount_received` is at or above their currency's
    threshold (`thresholds`, else `default_threshold`), oldest first (compliance's
    large-transaction report)."""
    condition = Q(amount_received__gte=default_threshold) & ~Q(currency__in=list(thresholds))
    for currency, threshold in thresholds.items():
        condition |= Q(currency=currency, amount_received__gte=threshold)
    payments = _scoped(Payment.objects.all(), context).filter(
        condition, captured_at__gte=start, captured_at__lt=end
    )
    return payments.order_by("captured_at", "id")


def customer_payments_in_range(
    *,
    merchant_id: str,
    customer_id: str,
    currency: str,
    since: datetime,
    until: datetime,
    low: int,
    high: int,
) -> list[str]:
    """Ids of the customer's payments captured in [since, until] with `low <= amount_received <
    high` (the AML structuring rule's window), sorted."""
    return sorted(
        Payment.objects.filter(
            merchant_id=merchant_id,
            customer_id=customer_id,
            currency=currency,
            captured_at__gte=since,
            captured_at__lte=until,
            amount_received__gte=low,
            amount_received__lt=high,
        ).values_list("id", flat=True)
    )
