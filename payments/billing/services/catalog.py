"""Catalog writes (products, prices, coupons), invoice items and dunning settings: one
transaction each, with the event and audit row."""

from datetime import datetime
from typing import Any

from django.db import transaction

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.events.services import emit
from payments.selectors import customer_get

from ..clock import billing_now
from ..enums import DunningInvoiceAction, DunningSubscriptionAction, PriceType
from ..exceptions import (
    CouponNotFound,
    InvalidBillingParameter,
    PriceImmutable,
    PriceNotFound,
    ProductNotFound,
)
from ..models import Coupon, DunningSettings, InvoiceItem, Price, Product
from .common import audit, emit_updated, scoped, snapshot

PRICE_MUTABLE = ("active", "nickname", "lookup_key", "metadata")


def _merchant(context: AuthContext):
    if context.merchant is None:
        raise MerchantRequired()
    return context.merchant


def product_create(*, context: AuthContext, **fields: Any) -> Product:
    """Create a product; emits `product.created`."""
    with transaction.atomic():
        product = Product.objects.create(merchant=_merchant(context), **fields)
        emit("product.created", product)
        audit(context, product, "product.created")
    return product


def product_update(*, context: AuthContext, product_id: str, **changes: Any) -> Product:
    """Update name, description, active, default_price, unit_label, metadata;
    emits `product.updated` with `previous_attributes`."""
    with transaction.atomic():
        product = scoped(Product.objects.select_for_update(), context).filter(pk=product_id).first()
        if product is None:
            raise ProductNotFound(f"No such product: '{product_id}'", param="id")
        default_price = changes.get("default_price")
        if default_price and not Price.objects.filter(pk=default_price, product=product).exists():
            raise PriceNotFound(param="default_price")
        before = snapshot(product)
        for name, value in changes.items():
            setattr(product, name, value)
        product.save()
        emit_updated("product.updated", product, before)
        audit(context, product, "product.updated", fields=sorted(changes))
    return product


def price_create(
    *,
    context: AuthContext,
    product: str,
    currency: str,
    unit_amount: int,
    recurring: dict[str, Any] | None = None,
    **fields: Any,
) -> Price:
    """Create a price (one-time, or recurring with interval x count ≤ 1 year); emits
    `price.created`."""
    merchant = _merchant(context)
    with transaction.atomic():
        owner = Product.objects.filter(pk=product, merchant=merchant).first()
        if owner is None:
            raise ProductNotFound(f"No such product: '{product}'", param="product")
        price = Price.objects.create(
            merchant=merchant,
            product=owner,
            currency=currency,
            unit_amount=unit_amount,
            type=PriceType.RECURRING if recurring else PriceType.ONE_TIME,
            interval=recurring["interval"] if recurring else None,
            interval_count=recurring.get("interval_count", 1) if recurring else None,
            trial_period_days=recurring.get("trial_period_days") if recurring else None,
            **fields,
        )
        if owner.default_price is None:
            owner.default_price = price.id
            owner.save(update_fields=["default_price", "updated"])
        emit("price.created", price)
        audit(context, price, "price.created", unit_amount=unit_amount, currency=currency)
    return price


def price_update(*, context: AuthContext, price_id: str, **changes: Any) -> Price:
    """Only `active`, `nickname`, `lookup_key`, `metadata` change; an amount, currency or
    interval change is refused with 400 `price_immutable` (create a new price)."""
    fixed = sorted(set(changes) - set(PRICE_MUTABLE))
    if fixed:
        raise PriceImmutable(param=fixed[0])
    with transaction.atomic():
        price = scoped(Price.objects.select_for_update(), context).filter(pk=price_id).first()
        if price is None:
            raise PriceNotFound(f"No such price: '{price_id}'", param="id")
        before = snapshot(price)
        for name, value in changes.items():
            setattr(price, name, value)
        price.save()
        emit_updated("price.updated", price, before)
        audit(context, price, "price.updated", fields=sorted(changes))
    return price


def coupon_create(*, context: AuthContext, id: str | None = None, **fields: Any) -> Coupon:
    """Create a coupon (`id` = the merchant's own code, optional); emits `coupon.created`."""
    merchant = _merchant(context)
    if fields.get("duration") == "repeating" and not fields.get("duration_in_months"):
        raise InvalidBillingParameter(
            "duration_in_months is required for a repeating coupon.", param="duration_in_months"
        )
    with transaction.atomic():
        if id and Coupon.objects.filter(merchant=merchant, code=id, deleted=False).exists():
            raise InvalidBillingParameter(
                f"A coupon with id '{id}' exists.", code="resource_already_exists", param="id"
            )
        coupon = Coupon.objects.create(merchant=merchant, code=id, **fields)
        emit("coupon.created", coupon)
        audit(context, coupon, "coupon.created")
    return coupon


def coupon_delete(*, context: AuthContext, coupon_id: str) -> Coupon:
    """Delete a coupon: no new redemptions; existing discounts keep it. `coupon.deleted`."""
    from ..selectors import coupon_get

    with transaction.atomic():
        coupon = coupon_get(context=context, coupon_id=coupon_id)
        coupon = Coupon.objects.select_for_update().get(pk=coupon.pk)
        if coupon.deleted:
            raise CouponNotFound(param="id")
        coupon.deleted = True
        coupon.save(update_fields=["deleted"])
        emit("coupon.deleted", coupon)
        audit(context, coupon, "coupon.deleted")
    return coupon


def invoice_item_create(
    *,
    context: AuthContext,
    customer: str,
    amount: int,
    currency: str,
    description: str = "",
    subscription: str | None = None,
    period_start: datetime | None = None,
    period_end: datetime | None = None,
) -> InvoiceItem:
    """A pending item for the customer's next invoice; emits `invoice_item.created`."""
    from ..models import Subscription

    with transaction.atomic():
        owner = customer_get(context=context, customer_id=customer, param="customer")
        if (
            subscription is not None
            and not Subscription.objects.filter(pk=subscription, customer=owner).exists()
        ):
            raise InvalidBillingParameter(
                f"No such subscription: '{subscription}'", param="subscription"
            )
        now = billing_now(owner)
        item = InvoiceItem.objects.create(
            merchant_id=owner.merchant_id,
            customer=owner,
            subscription_id=subscription,
            amount=amount,
            currency=currency,
            description=description,
            period_start=period_start or now,
            period_end=period_end or now,
            created=now,
        )
        emit("invoice_item.created", item)
        audit(context, item, "invoice_item.created", amount=amount)
    return item


def dunning_settings_set(
    *,
    context: AuthContext | None,
    merchant_id: str,
    retry_days: list[int],
    subscription_action: str = DunningSubscriptionAction.CANCEL,
    invoice_action: str = DunningInvoiceAction.MARK_UNCOLLECTIBLE,
) -> DunningSettings:
    """Set a merchant's dunning schedule (days after the first failure, increasing)."""
    if any(day <= 0 for day in retry_days) or retry_days != sorted(set(retry_days)):
        raise InvalidBillingParameter("retry_days must be increasing positive days.")
    with transaction.atomic():
        row, _ = DunningSettings.objects.update_or_create(
            merchant_id=merchant_id,
            defaults={
                "retry_days": retry_days,
                "subscription_action": subscription_action,
                "invoice_action": invoice_action,
            },
        )
        audit(context, row, "dunning_settings.updated", retry_days=retry_days, merchant=merchant_id)
    return row
