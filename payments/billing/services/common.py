"""Building blocks shared by the billing services: row locks, audit, `*.updated` events with
`previous_attributes`, MRR segments. Each requires the caller's open transaction."""

from datetime import datetime
from typing import Any

from django.db import models

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.scoping import merchant_scoped
from mcp_payments.audit.records import audit_record
from mcp_payments.events.representations import represent
from mcp_payments.events.services import emit

from ..enums import MRR_STATUSES
from ..exceptions import InvoiceNotFound, SubscriptionNotFound
from ..models import Invoice, MrrSegment, Subscription
from ..periods import item_arr, mrr_of_arr, percent_of

scoped = merchant_scoped  # one merchant-scoping rule (mcp_payments.accounts.scoping)


def lock_subscription(context: AuthContext | None, subscription_id: str) -> Subscription:
    subscription = (
        scoped(Subscription.objects.select_for_update(of=("self",)), context)
        .select_related("customer")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None:
        raise SubscriptionNotFound(f"No such subscription: '{subscription_id}'", param="id")
    return subscription


def lock_invoice(context: AuthContext | None, invoice_id: str) -> Invoice:
    invoice = (
        scoped(Invoice.objects.select_for_update(of=("self",)), context)
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise InvoiceNotFound(f"No such invoice: '{invoice_id}'", param="id")
    return invoice


def audit(context: AuthContext | None, obj: models.Model, action: str, **after: Any) -> None:
    audit_record(
        context=context,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        merchant_id=getattr(obj, "merchant_id", None),
        after=after or None,
    )


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The representation before a change, to diff into `previous_attributes`."""
    return represent(obj)


def emit_updated(type: str, obj: models.Model, before: dict[str, Any]) -> dict[str, Any]:
    """Emit `type` with the previous values of the top-level fields that changed."""
    after = represent(obj)
    previous = {key: value for key, value in before.items() if after.get(key) != value}
    emit(type, obj, data=after, previous_attributes=previous)
    return previous


def subscription_mrr(subscription: Subscription) -> int:
    """ANALYTICS.md §1 `mrr` of one subscription: Σ item ARR less a recurring percent discount,
    / 12 half up; 0 outside active and past_due."""
    if subscription.status not in MRR_STATUSES:
        return 0
    discount = subscription.current_discount()
    arr = 0
    for item in subscription.priced_items():
        value = item_arr(
            item.price.unit_amount,
            item.quantity,
            subscription.interval,
            subscription.interval_count,
        )
        if (
            discount is not None
            and discount.coupon.duration != "once"
            and discount.coupon.percent_off_bps
        ):
            value -= percent_of(value, discount.coupon.percent_off_bps)
        arr += value
    return mrr_of_arr(arr)


def mrr_sync(subscription: Subscription, now: datetime) -> None:
    """Close the open MRR segment and open one with the new value when the subscription's MRR
    changed (a zero value is a segment too, except after a terminal status). A segment that
    would be empty (opened at `now`) is replaced instead."""
    mrr = subscription_mrr(subscription)
    open_segment = MrrSegment.objects.filter(
        subscription=subscription, valid_to__isnull=True
    ).first()
    if open_segment is not None and open_segment.mrr == mrr:
        return
    if open_segment is None and mrr == 0:
        return
    if open_segment is not None:
        if open_segment.valid_from >= now:
            open_segment.delete()
        else:
            open_segment.valid_to = now
            open_segment.save(update_fields=["valid_to"])
    if mrr == 0 and subscription.ended_at is not None:
        return
    MrrSegment.objects.create(
        merchant_id=subscription.merchant_id,
        subscription=subscription,
        customer_id=subscription.customer_id,
        currency=subscription.currency,
        mrr=mrr,
        valid_from=now,
    )
