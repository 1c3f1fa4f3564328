"""Merchant scoping, once: every selector that lists a merchant's rows goes through it."""

from django.db.models import QuerySet

from .context import AuthContext


def merchant_scoped(queryset: QuerySet, context: AuthContext | None) -> QuerySet:
    """`queryset` limited to the caller's merchant (`merchant` foreign key). Platform staff
    without a merchant see every merchant's rows; any other caller without a merchant sees none.
    `None` is a system job (Celery, commands): every row. Builds a query; no side effects."""
    if context is None:
        return queryset
    if context.merchant is not None:
        return queryset.filter(merchant=context.merchant)
    return queryset if context.is_platform_staff else queryset.none()
