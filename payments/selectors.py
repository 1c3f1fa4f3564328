"""Reads of payments objects, always scoped to the caller's merchant."""

from django.db.models import QuerySet

from mcp_payments.accounts.context import AuthContext

from .exceptions import CustomerNotFound
from .models import Customer


def _scoped(queryset: QuerySet, context: AuthContext) -> QuerySet:
    if context.merchant is not None:
        return queryset.filter(merchant=context.merchant)
    return queryset if context.is_platform_staff else queryset.none()


def customer_list(*, context: AuthContext, email: str | None = None) -> QuerySet[Customer]:
    customers = _scoped(Customer.objects.filter(deleted_at__isnull=True), context)
    if email:
        customers = customers.filter(email=email)
    return customers


def customer_get(*, context: AuthContext, customer_id: str, for_update: bool = False) -> Customer:
    """The caller's customer (erased ones included); another merchant's id is a 404 too."""
    customers = _scoped(Customer.objects.all(), context)
    if for_update:
        customers = customers.select_for_update()
    customer = customers.filter(pk=customer_id).first()
    if customer is None:
        raise CustomerNotFound(f"No such customer: '{customer_id}'", param="id")
    return customer
