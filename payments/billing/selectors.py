"""Billing reads, scoped to the caller's merchant (another merchant's id is a 404)."""

from datetime import datetime

from django.db.models import Q, QuerySet

from mcp_payments.accounts.context import AuthContext

from .exceptions import (
    CouponNotFound,
    InvoiceNotFound,
    PriceNotFound,
    ProductNotFound,
    SubscriptionNotFound,
    TestClockNotFound,
)
from .models import (
    Coupon,
    Invoice,
    InvoiceItem,
    InvoiceLine,
    MrrSegment,
    Price,
    Product,
    Subscription,
    TestClock,
)
from .services.common import scoped


def _get(queryset: QuerySet, context: AuthContext, object_id: str, error: type, param: str):
    obj = scoped(queryset, context).filter(pk=object_id).first()
    if obj is None:
        raise error(f"No such object: '{object_id}'", param=param)
    return obj


def product_list(*, context: AuthContext, active: bool | None = None) -> QuerySet[Product]:
    products = scoped(Product.objects.all(), context)
    return products if active is None else products.filter(active=active)


def product_get(*, context: AuthContext, product_id: str) -> Product:
    return _get(Product.objects.all(), context, product_id, ProductNotFound, "id")


def price_list(
    *, context: AuthContext, product: str | None = None, active: bool | None = None
) -> QuerySet[Price]:
    prices = scoped(Price.objects.all(), context)
    if product:
        prices = prices.filter(product_id=product)
    return prices if active is None else prices.filter(active=active)


def price_get(*, context: AuthContext, price_id: str) -> Price:
    return _get(Price.objects.all(), context, price_id, PriceNotFound, "id")


def subscription_list(
    *, context: AuthContext, customer: str | None = None, status: str | None = None
) -> QuerySet[Subscription]:
    subscriptions = scoped(Subscription.objects.prefetch_related("items__price"), context)
    if customer:
        subscriptions = subscriptions.filter(customer_id=customer)
    return subscriptions.filter(status=status) if status else subscriptions


def subscription_get(*, context: AuthContext, subscription_id: str) -> Subscription:
    return _get(Subscription.objects.all(), context, subscription_id, SubscriptionNotFound, "id")


def invoice_list(
    *,
    context: AuthContext,
    customer: str | None = None,
    subscription: str | None = None,
    status: str | None = None,
) -> QuerySet[Invoice]:
    invoices = scoped(Invoice.objects.all(), context)
    if customer:
        invoices = invoices.filter(customer_id=customer)
    if subscription:
        invoices = invoices.filter(subscription_id=subscription)
    return invoices.filter(status=status) if status else invoices


def invoice_get(*, context: AuthContext, invoice_id: str) -> Invoice:
    return _get(Invoice.objects.all(), context, invoice_id, InvoiceNotFound, "id")


def invoice_lines(*, context: AuthContext, invoice_id: str) -> QuerySet[InvoiceLine]:
    invoice = invoice_get(context=context, invoice_id=invoice_id)
    return InvoiceLine.objects.filter(invoice=invoice)


def invoice_item_list(*, context: AuthContext, customer: str | None = None) -> QuerySet:
    items = scoped(InvoiceItem.objects.all(), context)
    return items.filter(customer_id=customer) if customer else items


def coupon_list(*, context: AuthContext) -> QuerySet[Coupon]:
    return scoped(Coupon.objects.filter(deleted=False), context)


def coupon_get(*, context: AuthContext, coupon_id: str) -> Coupon:
    coupon = (
        scoped(Coupon.objects.all(), context)
        .filter(Q(pk=coupon_id) | Q(code=coupon_id, deleted=False))
        .first()
    )
    if coupon is None:
        raise CouponNotFound(f"No such coupon: '{coupon_id}'", param="id")
    return coupon


def test_clock_list(*, context: AuthContext) -> QuerySet[TestClock]:
    return scoped(TestClock.objects.all(), context)


def test_clock_get(*, context: AuthContext, clock_id: str) -> TestClock:
    return _get(TestClock.objects.all(), context, clock_id, TestClockNotFound, "id")


test_clock_list.__test__ = False  # type: ignore[attr-defined]
test_clock_get.__test__ = False  # type: ignore[attr-defined]


def mrr_segments(
    *, merchant, currency: str | None = None, start: datetime, end: datetime
) -> QuerySet[MrrSegment]:
    """The MRR segments of `merchant` (a Merchant or its id) overlapping [start, end):
    `valid_from < end` and (`valid_to` null or `valid_to > start`), oldest first. The one way
    analytics reads MRR (ANALYTICS.md §1 `mrr`)."""
    segments = MrrSegment.objects.filter(merchant=merchant, valid_from__lt=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=start)
    )
    if currency:
        segments = segments.filter(currency=currency)
    return segments.order_by("valid_from", "id")
