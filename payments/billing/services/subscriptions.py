"""Subscriptions (BILLING.md §3, §5): create, update with exact prorations, preview, cancel,
pause, resume. Each public function is one transaction (events, audit and MRR segments inside);
a card payment it triggers runs after that transaction commits."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from mcp_payments.accounts.context import AuthContext
from mcp_payments.agents.enforcement import policy_enforce
from mcp_payments.agents.planning import service_transaction
from mcp_payments.events.services import emit
from payments.models import Customer
from payments.selectors import customer_get, payment_method_get

from ..clock import billing_now
from ..enums import (
    TERMINAL,
    BillingReason,
    CollectionMethod,
    InvoiceStatus,
    LineType,
    PauseBehavior,
    PriceType,
    ProrationBehavior,
    SubscriptionStatus,
)
from ..exceptions import (
    CouponInvalid,
    CouponNotFound,
    InvalidBillingParameter,
    ItemsMismatch,
    PriceInactive,
    PriceNotFound,
    PriceNotRecurring,
    SubscriptionNotPausable,
    SubscriptionNotPaused,
    SubscriptionTerminal,
)
from ..models import Coupon, Discount, Invoice, InvoiceItem, Price, Subscription, SubscriptionItem
from ..periods import add_months, boundary, prorate, seconds_between
from . import invoices as inv
from .common import audit, emit_updated, lock_subscription, mrr_sync, snapshot


@dataclass
class ItemChange:
    """One entry of `items[]`: a new item (`price`, `quantity`), or a change of `id`."""

    id: str | None = None
    price: str | None = None
    quantity: int | None = None
    deleted: bool = False


@dataclass
class SubscriptionParams:
    customer: str
    items: list[ItemChange]
    default_payment_method: str | None = None
    trial_period_days: int | None = None
    trial_end: datetime | str | None = None
    billing_cycle_anchor: datetime | None = None
    coupon: str | None = None
    collection_method: str = CollectionMethod.CHARGE_AUTOMATICALLY
    days_until_due: int | None = None
    cancel_at_period_end: bool = False
    payment_behavior: str = "default_incomplete"
    trial_end_behavior: str = "create_invoice"
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass
class UpdateParams:
    items: list[ItemChange] = field(default_factory=list)
    proration_behavior: str = ProrationBehavior.CREATE_PRORATIONS
    proration_date: datetime | None = None
    default_payment_method: str | None = None
    trial_end: datetime | str | None = None
    coupon: str | None = None
    collection_method: str | None = None
    days_until_due: int | None = None
    cancel_at_period_end: bool | None = None
    metadata: dict[str, str] | None = None


def _price(context: AuthContext | None, merchant_id: str, price_id: str, param: str) -> Price:
    price = (
        Price.objects.select_related("product").filter(pk=price_id, merchant_id=merchant_id).first()
    )
    if price is None:
        raise PriceNotFound(f"No such price: '{price_id}'", param=param)
    if price.type != PriceType.RECURRING:
        raise PriceNotRecurring(param=param)
    return price


def _check_same(prices: list[Price]) -> None:
    if len({(p.currency, p.interval, p.interval_count) for p in prices}) > 1:
        raise ItemsMismatch()


def _method(context: AuthContext, customer: Customer, method: str | None) -> str | None:
    """Validate a default payment method: the customer's card (pm_…) or wallet (wal_…)."""
    if method is None:
        return None
    if method.startswith("wal_"):
        from wallets.models import Wallet

        if not Wallet.objects.filter(pk=method, merchant_id=customer.merchant_id).exists():
            raise InvalidBillingParameter(
                f"No such wallet: '{method}'", param="default_payment_method"
            )
        return method
    payment_method_get(context=context, payment_method_id=method)
    return method


def _redeem(customer: Customer, code: str, now: datetime) -> Coupon:
    """Take one redemption of the coupon atomically (never over `max_redemptions`)."""
    coupon = (
        Coupon.objects.filter(merchant_id=customer.merchant_id, deleted=False)
        .filter(Q(pk=code) | Q(code=code))
        .first()
    )
    if coupon is None:
        raise CouponNotFound(f"No such coupon: '{code}'", param="coupon")
    if coupon.redeem_by is not None and coupon.redeem_by <= now:
        raise CouponInvalid("This coupon can no longer be redeemed.")
    taken = (
        Coupon.objects.filter(pk=coupon.pk)
        .filter(Q(max_redemptions__isnull=True) | Q(times_redeemed__lt=F("max_redemptions")))
        .update(times_redeemed=F("times_redeemed") + 1)
    )
    if not taken:
        raise CouponInvalid("This coupon has reached its maximum redemptions.")
    return coupon


def _attach_discount(subscription: Subscription, code: str, now: datetime) -> None:
    coupon = _redeem(subscription.customer, code, now)
    if coupon.amount_off and coupon.currency != subscription.currency:
        raise CouponInvalid("The coupon's currency differs from the subscription's.")
    end = (
        add_months(now, coupon.duration_in_months)
        if coupon.duration == "repeating" and coupon.duration_in_months
        else None
    )
    Discount.objects.filter(subscription=subscription).delete()
    Discount.objects.create(
        coupon=coupon,
        customer_id=subscription.customer_id,
        subscription=subscription,
        start=now,
        end=end,
    )


def _trial_end(params_trial_end, trial_days: int | None, now: datetime) -> datetime | None:
    if params_trial_end == "now":
        return None
    if isinstance(params_trial_end, datetime):
        if params_trial_end <= now:
            raise InvalidBillingParameter("trial_end must be in the future.", param="trial_end")
        return params_trial_end
    return now + timedelta(days=trial_days) if trial_days else None


def subscription_create(*, context: AuthContext, params: SubscriptionParams) -> Subscription:
    """Create a subscription and its first invoice (BILLING.md §3): trialing (a 0 invoice),
    active when the first invoice is paid at once, else `incomplete` until it is paid within
    23 h. All items share one currency and interval (400 otherwise). Emits
    `subscription.created`, `invoice.*`; audited; MRR segment opened."""
    if not params.items:
        raise InvalidBillingParameter("At least one item is required.", param="items")
    with service_transaction():
        customer = customer_get(context=context, customer_id=params.customer, param="customer")
        prices = [
            _price(context, customer.merchant_id, item.price or "", f"items[{index}][price]")
            for index, item in enumerate(params.items)
        ]
        for index, price in enumerate(prices):
            if not price.active:
                raise PriceInactive(param=f"items[{index}][price]")
        _check_same(prices)
        first = prices[0]
        # Agent policy (BILLING.md §8): the recurring amount per period, never less than what
        # the first invoice asks now. Before anything is written.
        policy_enforce(
            context=context,
            operation="create_subscription",
            amount=sum(
                p.unit_amount * (i.quantity or 1) for p, i in zip(prices, params.items, strict=True)
            ),
            currency=first.currency,
        )
        now = billing_now(customer)
        method = _method(context, customer, params.default_payment_method)
        trial_end = _trial_end(
            params.trial_end,
            params.trial_period_days
            if params.trial_period_days is not None
            else first.trial_period_days,
            now,
        )
        anchor = params.billing_cycle_anchor
        if anchor is not None and not (
            now < anchor <= boundary(now, first.interval, first.interval_count, 1)
        ):
            raise InvalidBillingParameter(
                "billing_cycle_anchor must be in the future, at most one interval ahead.",
                param="billing_cycle_anchor",
            )
        if trial_end is not None:
            anchor, index, end = trial_end, -1, trial_end
        elif anchor is not None:
            index, end = -1, anchor
        else:
            anchor, index = now, 0
            end = boundary(anchor, first.interval, first.interval_count, 1)
        subscription = Subscription.objects.create(
            merchant_id=customer.merchant_id,
            customer=customer,
            currency=first.currency,
            interval=first.interval,
            interval_count=first.interval_count,
            status=SubscriptionStatus.TRIALING if trial_end else SubscriptionStatus.INCOMPLETE,
            collection_method=params.collection_method,
            days_until_due=params.days_until_due,
            default_payment_method=method,
            billing_cycle_anchor=anchor,
            period_index=index,
            current_period_start=now,
            current_period_end=end,
            trial_start=now if trial_end else None,
            trial_end=trial_end,
            trial_end_behavior=params.trial_end_behavior,
            cancel_at_period_end=params.cancel_at_period_end,
            test_clock_id=customer.test_clock_id,
            start_date=now,
            metadata=params.metadata,
        )
        SubscriptionItem.objects.bulk_create(
            [
                SubscriptionItem(
                    subscription=subscription, price=price, quantity=item.quantity or 1
                )
                for item, price in zip(params.items, prices, strict=True)
            ]
        )
        if params.coupon:
            _attach_discount(subscription, params.coupon, now)
        lines = inv.item_lines(subscription, now, end)
        if trial_end is not None:
            for line in lines:
                line.amount, line.description = 0, f"Trial period for {line.description}"
        elif index == -1:  # stub to a future anchor, prorated over the period it ends
            length = seconds_between(
                boundary(anchor, first.interval, first.interval_count, -1), anchor
            )
            remaining = seconds_between(now, anchor)
            for line in lines:
                full = line.amount
                line.amount = prorate(full, remaining, length)
                line.proration_details = {
                    "old_price": None,
                    "seconds_remaining": remaining,
                    "seconds_in_period": length,
                    "full_amount": full,
                }
        invoice = inv.invoice_build(
            customer=customer,
            subscription=subscription,
            currency=subscription.currency,
            reason=BillingReason.SUBSCRIPTION_CREATE,
            period_start=now,
            period_end=end,
            lines=lines,
            now=now,
            finalize_now=True,
            collection_method=params.collection_method,
            days_until_due=params.days_until_due,
        )
        subscription.refresh_from_db()
        if (
            invoice.status == InvoiceStatus.PAID
            and subscription.status != SubscriptionStatus.TRIALING
        ) or (params.collection_method == CollectionMethod.SEND_INVOICE and not trial_end):
            subscription.status = SubscriptionStatus.ACTIVE
        subscription.save(update_fields=["status"])
        emit("subscription.created", subscription)
        mrr_sync(subscription, now)
        audit(context, subscription, "subscription.created", status=subscription.status)
    if inv.invoice_is_collectible(invoice) and method:
        inv.invoice_attempt(invoice_id=invoice.id)
        subscription.refresh_from_db()
    return subscription


# --- updates and previews ----------------------------------------------------------------------


@dataclass
class Plan:
    """What an update does to the items, and the lines it bills."""

    keep: list[tuple[SubscriptionItem | None, Price, int]]  # (existing item or None, price, qty)
    removed: list[SubscriptionItem]
    proration_lines: list[inv.LineDraft]
    interval_change: bool
    at: datetime


def plan_update(
    subscription: Subscription, changes: list[ItemChange], at: datetime, prorate_lines: bool
) -> Plan:
    """Apply `changes` to the items in memory and compute the proration lines at `at` inside
    the current period [S, E): each changed item credits `prorate(old_full, R, L)` and the new
    state charges `prorate(new_full, R, L)`, each rounded on its own (BILLING.md §5)."""
    items = {item.id: item for item in subscription.items.select_related("price__product")}
    state: dict[str, tuple[SubscriptionItem | None, Price, int]] = {
        item_id: (item, item.price, item.quantity) for item_id, item in items.items()
    }
    removed: list[SubscriptionItem] = []
    added: list[tuple[None, Price, int]] = []
    for index, change in enumerate(changes):
        if change.id is None:
            price = _price(
                None, subscription.merchant_id, change.price or "", f"items[{index}][price]"
            )
            if not price.active:
                raise PriceInactive(param=f"items[{index}][price]")
            added.append((None, price, change.quantity or 1))
            continue
        if change.id not in items:
            raise InvalidBillingParameter(
                f"No such subscription item: '{change.id}'", param=f"items[{index}][id]"
            )
        item, price, quantity = state[change.id]
        if change.deleted:
            removed.append(item)
            state.pop(change.id)
            continue
        if change.price:
            price = _price(None, subscription.merchant_id, change.price, f"items[{index}][price]")
        state[change.id] = (item, price, change.quantity or quantity)
    keep = [*state.values(), *added]
    if not keep:
        raise InvalidBillingParameter("A subscription needs at least one item.", param="items")
    _check_same([price for _, price, _ in keep])
    first = keep[0][1]
    interval_change = (first.interval, first.interval_count) != (
        subscription.interval,
        subscription.interval_count,
    )
    if first.currency != subscription.currency:
        raise ItemsMismatch("A subscription's currency cannot change.")
    lines: list[inv.LineDraft] = []
    if prorate_lines and subscription.status != SubscriptionStatus.TRIALING:
        start, end = subscription.current_period_start, subscription.current_period_end
        length, remaining = seconds_between(start, end), seconds_between(at, end)
        old = {item.id: (item.price, item.quantity) for item in items.values()}
        for item, price, quantity in keep:
            before = old.get(item.id) if item is not None else None
            if before == (price, quantity):
                continue
            if before is not None:
                lines.append(
                    _proration(item.id, before[0], before[1], -1, remaining, length, at, end)
                )
            if not interval_change:
                lines.append(
                    _proration(
                        item.id if item else None, price, quantity, 1, remaining, length, at, end
                    )
                )
        for item in removed:
            lines.append(
                _proration(item.id, item.price, item.quantity, -1, remaining, length, at, end)
            )
        if interval_change:  # unchanged items are credited too: the whole period restarts
            for item, price, quantity in keep:
                if item is not None and old.get(item.id) == (price, quantity):
                    lines.append(
                        _proration(item.id, price, quantity, -1, remaining, length, at, end)
                    )
    return Plan(keep, removed, lines, interval_change, at)


def _proration(item_id, price, quantity, sign, remaining, length, start, end) -> inv.LineDraft:
    full = price.unit_amount * quantity
    verb = "Unused time on" if sign < 0 else "Remaining time on"
    return inv.LineDraft(
        type=LineType.PRORATION,
        amount=sign * prorate(full, remaining, length),
        description=f"{verb} {quantity} x {price.product.name}",
        period_start=start,
        period_end=end,
        price=price,
        subscription_item=item_id,
        quantity=quantity,
        proration=True,
        proration_details={
            "old_price": price.id if sign < 0 else None,
            "seconds_remaining": remaining,
            "seconds_in_period": length,
            "full_amount": full,
        },
    )


def _proration_date(subscription: Subscription, given: datetime | None) -> datetime:
    now = billing_now(subscription)
    at = given or now
    # The API speaks whole seconds (a proration_date from GET /invoices/upcoming is truncated),
    # so the period's start counts from its second: a preview taken in the subscription's first
    # second still names a date inside the period.
    start = subscription.current_period_start.replace(microsecond=0)
    if not (start <= at < subscription.current_period_end):
        raise InvalidBillingParameter(
            "proration_date must be inside the current period.", param="proration_date"
        )
    return at.replace(microsecond=0)


def invoice_upcoming(
    *, context: AuthContext | None, subscription_id: str, params: UpdateParams | None = None
) -> dict[str, Any]:
    """The invoice preview (`GET /invoices/upcoming`, `update_subscription` dry run): with
    changes that invoice now (`always_invoice`, an interval change) the invoice the update would
    create; otherwise the next renewal (pending items, the update's prorations, the next
    period). Returns the `proration_date` used; changes nothing."""
    params = params or UpdateParams()
    with transaction.atomic():
        subscription = lock_subscription(context, subscription_id)
        if subscription.status in TERMINAL:
            raise SubscriptionTerminal()
        at = _proration_date(subscription, params.proration_date)
        prorating = params.proration_behavior != ProrationBehavior.NONE
        plan = plan_update(subscription, params.items, at, prorating)
        pending = inv.pending_lines(subscription.customer_id, subscription)
        if plan.interval_change or params.proration_behavior == ProrationBehavior.ALWAYS_INVOICE:
            lines = pending + plan.proration_lines
            period = (at, subscription.current_period_end)
            if plan.interval_change:
                first = plan.keep[0][1]
                period = (at, boundary(at, first.interval, first.interval_count, 1))
                lines += _full_lines(plan.keep, *period)
            reason = BillingReason.SUBSCRIPTION_UPDATE
        else:
            end = subscription.current_period_end
            next_end = boundary(
                subscription.billing_cycle_anchor,
                subscription.interval,
                subscription.interval_count,
                subscription.period_index + 2,
            )
            lines = pending + plan.proration_lines + _full_lines(plan.keep, end, next_end)
            period = (end, next_end)
            reason = BillingReason.SUBSCRIPTION_CYCLE
        totals = inv.apply_discount(lines, inv.active_discount(subscription, at))
        balance = (subscription.customer.balance or {}).get(subscription.currency, 0)
        transaction.set_rollback(True)
    return _preview_body(subscription, lines, totals, balance, period, reason, at)


def _full_lines(keep, start: datetime, end: datetime) -> list[inv.LineDraft]:
    return [
        inv.LineDraft(
            type=LineType.SUBSCRIPTION,
            amount=price.unit_amount * quantity,
            description=f"{quantity} x {price.product.name}",
            period_start=start,
            period_end=end,
            price=price,
            subscription_item=item.id if item is not None else None,
            quantity=quantity,
        )
        for item, price, quantity in keep
    ]


def _preview_body(subscription, lines, totals, balance, period, reason, at) -> dict[str, Any]:
    from mcp_payments.api.serializers import TimestampField

    stamp = TimestampField().to_representation
    return {
        "id": None,
        "object": "invoice",
        "preview": True,
        "customer": subscription.customer_id,
        "subscription": subscription.id,
        "status": "draft",
        "billing_reason": reason,
        "currency": subscription.currency,
        "period_start": stamp(period[0]),
        "period_end": stamp(period[1]),
        "proration_date": int(at.timestamp()),
        "lines": {
            "object": "list",
            "has_more": False,
            "data": [
                {
                    "object": "line_item",
                    "type": line.type,
                    "price": line.price.id if line.price is not None else None,
                    "subscription_item": line.subscription_item,
                    "quantity": line.quantity,
                    "amount": line.amount,
                    "description": line.description,
                    "period": {"start": stamp(line.period_start), "end": stamp(line.period_end)},
                    "proration": line.proration,
                    "proration_details": line.proration_details,
                    "discount_amount": line.discount_amount,
                }
                for line in lines
            ],
        },
        "subtotal": totals.subtotal,
        "total_discount_amount": totals.total_discount_amount,
        "total": totals.total,
        "starting_balance": balance,
        "amount_due": max(totals.total + balance, 0),
        "ending_balance": min(totals.total + balance, 0),
    }


def subscription_update(
    *, context: AuthContext | None, subscription_id: str, params: UpdateParams
) -> Subscription:
    """Change items (prorated per `proration_behavior`: pending `ii_` items, an invoice now, or
    nothing), the default method (a past-due subscription is retried once at once), trial end
    (`"now"` ends it), coupon, cancel_at_period_end, collection and metadata. An interval change
    resets the anchor to the proration date and invoices at once. Emits `subscription.updated`
    with `previous_attributes`."""
    retry_invoice: str | None = None
    invoice: Invoice | None = None
    with service_transaction():
        subscription = lock_subscription(context, subscription_id)
        if subscription.status in TERMINAL:
            raise SubscriptionTerminal()
        before = snapshot(subscription)
        now = billing_now(subscription)
        amount, currency = _update_policy_amount(subscription, params)
        policy_enforce(
            context=context, operation="update_subscription", amount=amount, currency=currency
        )
        customer = subscription.customer
        if params.default_payment_method is not None:
            changed = params.default_payment_method != subscription.default_payment_method
            subscription.default_payment_method = _method(
                context or _system(subscription), customer, params.default_payment_method
            )
            if changed and subscription.status == SubscriptionStatus.PAST_DUE:
                retry_invoice = subscription.latest_invoice
        for name in ("collection_method", "days_until_due", "cancel_at_period_end"):
            value = getattr(params, name)
            if value is not None:
                setattr(subscription, name, value)
        if params.metadata is not None:
            subscription.metadata = {**subscription.metadata, **params.metadata}
            subscription.metadata = {k: v for k, v in subscription.metadata.items() if v != ""}
        if params.coupon:
            _attach_discount(subscription, params.coupon, now)
        if params.trial_end is not None and subscription.status == SubscriptionStatus.TRIALING:
            if params.trial_end == "now":
                subscription.trial_end = now
                subscription.current_period_end = now
                subscription.billing_cycle_anchor = now
            else:
                subscription.trial_end = _trial_end(params.trial_end, None, now)
                subscription.current_period_end = subscription.trial_end
                subscription.billing_cycle_anchor = subscription.trial_end
        if params.items:
            invoice = _apply_items(subscription, params, now)
        subscription.save()
        emit_updated("subscription.updated", subscription, before)
        mrr_sync(subscription, now)
        audit(context, subscription, "subscription.updated")
    if params.trial_end == "now":
        from .lifecycle import renew_one

        renew_one(subscription.id)
    if invoice is not None and inv.invoice_is_collectible(invoice):
        inv.invoice_attempt(invoice_id=invoice.id)
    elif retry_invoice is not None:
        inv.invoice_attempt(invoice_id=retry_invoice)
    subscription.refresh_from_db()
    return subscription


def _update_policy_amount(
    subscription: Subscription, params: UpdateParams
) -> tuple[int | None, str | None]:
    """The larger of the amount due now (an update that invoices at once) and the recurring
    amount per period after the change; None when the items do not change (nothing moves)."""
    if not params.items:
        return None, None
    at = _proration_date(subscription, params.proration_date)
    behavior = params.proration_behavior
    plan = plan_update(subscription, params.items, at, behavior != ProrationBehavior.NONE)
    recurring = sum(price.unit_amount * quantity for _, price, quantity in plan.keep)
    due = 0
    if plan.interval_change or behavior == ProrationBehavior.ALWAYS_INVOICE:
        pending = inv.pending_lines(subscription.customer_id, subscription)
        due = sum(line.amount for line in pending + plan.proration_lines)
        if plan.interval_change:
            due += recurring
    return max(due, recurring), subscription.currency


def _system(subscription: Subscription) -> AuthContext:
    from mcp_payments.accounts.context import system_context

    return system_context(subscription.merchant)


def _apply_items(subscription: Subscription, params: UpdateParams, now: datetime) -> Invoice | None:
    at = _proration_date(subscription, params.proration_date)
    behavior = params.proration_behavior
    plan = plan_update(subscription, params.items, at, behavior != ProrationBehavior.NONE)
    for item in plan.removed:
        item.delete()
    for item, price, quantity in plan.keep:
        if item is None:
            SubscriptionItem.objects.create(
                subscription=subscription, price=price, quantity=quantity
            )
        elif (item.price_id, item.quantity) != (price.id, quantity):
            item.price, item.quantity = price, quantity
            item.save(update_fields=["price", "quantity"])
    if plan.interval_change:
        first = plan.keep[0][1]
        subscription.interval, subscription.interval_count = first.interval, first.interval_count
        subscription.billing_cycle_anchor = at
        subscription.period_index = 0
        subscription.current_period_start = at
        subscription.current_period_end = boundary(at, first.interval, first.interval_count, 1)
        lines = (
            inv.pending_lines(subscription.customer_id, subscription)
            + plan.proration_lines
            + inv.item_lines(subscription, at, subscription.current_period_end)
        )
    elif behavior == ProrationBehavior.ALWAYS_INVOICE and plan.proration_lines:
        lines = inv.pending_lines(subscription.customer_id, subscription) + plan.proration_lines
    else:
        for line in plan.proration_lines:
            item = InvoiceItem.objects.create(
                merchant_id=subscription.merchant_id,
                customer_id=subscription.customer_id,
                subscription=subscription,
                price=line.price,
                subscription_item=line.subscription_item,
                quantity=line.quantity,
                amount=line.amount,
                currency=subscription.currency,
                description=line.description,
                period_start=line.period_start,
                period_end=line.period_end,
                proration=True,
                proration_details=line.proration_details,
                created=now,
            )
            emit("invoice_item.created", item)
        return None
    subscription.save()
    return inv.invoice_build(
        customer=subscription.customer,
        subscription=subscription,
        currency=subscription.currency,
        reason=BillingReason.SUBSCRIPTION_UPDATE,
        period_start=at,
        period_end=subscription.current_period_end,
        lines=lines,
        now=now,
        finalize_now=True,
        collection_method=subscription.collection_method,
        days_until_due=subscription.days_until_due,
    )


# --- cancel, pause, resume -------------------------------------------------------------------


def cancel_locked(
    context: AuthContext | None,
    subscription: Subscription,
    now: datetime,
    *,
    reason: str = "requested",
    comment: str | None = None,
    prorate_credit: bool = False,
) -> None:
    """Building block: any non-terminal → canceled now. A trial ends now too; `prorate_credit`
    credits the unused time to the customer's balance; open invoices stop retrying. Emits
    `subscription.updated` and `subscription.canceled`."""
    before = snapshot(subscription)
    if prorate_credit and subscription.status in (
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.PAST_DUE,
    ):
        length = seconds_between(subscription.current_period_start, subscription.current_period_end)
        remaining = max(seconds_between(now, subscription.current_period_end), 0)
        unused = sum(
            prorate(item.price.unit_amount * item.quantity, remaining, length)
            for item in subscription.items.select_related("price")
        )
        if unused:
            inv.customer_balance_add(subscription.customer_id, subscription.currency, -unused)
    if subscription.status == SubscriptionStatus.TRIALING or (
        subscription.trial_end is not None and subscription.trial_end > now
    ):
        subscription.trial_end = now
    subscription.status = SubscriptionStatus.CANCELED
    subscription.canceled_at = subscription.canceled_at or now
    subscription.ended_at = now
    subscription.cancellation_details = {"reason": reason, "comment": comment}
    subscription.save()
    Invoice.objects.filter(subscription=subscription, status=InvoiceStatus.OPEN).update(
        next_payment_attempt=None
    )
    emit_updated("subscription.updated", subscription, before)
    emit("subscription.canceled", subscription)
    mrr_sync(subscription, now)
    audit(context, subscription, "subscription.canceled", reason=reason)


def subscription_cancel(
    *,
    context: AuthContext | None,
    subscription_id: str,
    at_period_end: bool = False,
    prorate: bool = False,
    invoice_now: bool = False,
    comment: str | None = None,
) -> Subscription:
    """Cancel now, or at the period end (`at_period_end`). With `invoice_now`, pending items are
    invoiced at once. 409 on a subscription that has ended."""
    with service_transaction():
        subscription = lock_subscription(context, subscription_id)
        if subscription.status in TERMINAL:
            raise SubscriptionTerminal()
        now = billing_now(subscription)
        if at_period_end:
            before = snapshot(subscription)
            subscription.cancel_at_period_end = True
            subscription.canceled_at = now
            subscription.cancellation_details = {"reason": "requested", "comment": comment}
            subscription.save()
            emit_updated("subscription.updated", subscription, before)
            audit(context, subscription, "subscription.cancel_scheduled")
            return subscription
        cancel_locked(context, subscription, now, comment=comment, prorate_credit=prorate)
        if invoice_now:
            lines = inv.pending_lines(subscription.customer_id, subscription)
            if lines:
                inv.invoice_build(
                    customer=subscription.customer,
                    subscription=subscription,
                    currency=subscription.currency,
                    reason=BillingReason.MANUAL,
                    period_start=min(line.period_start for line in lines),
                    period_end=now,
                    lines=lines,
                    now=now,
                    finalize_now=True,
                    collection_method=subscription.collection_method,
                )
    return subscription


def subscription_pause(
    *,
    context: AuthContext | None,
    subscription_id: str,
    behavior: str = PauseBehavior.VOID,
    resumes_at: datetime | None = None,
) -> Subscription:
    """active|past_due|trialing → paused: renewals while paused make invoices that are voided
    (`void`) or kept as drafts (`keep_as_draft`); `resumes_at` resumes it automatically. MRR 0.
    Emits `subscription.paused` and `subscription.updated`."""
    with service_transaction():
        subscription = lock_subscription(context, subscription_id)
        allowed = (
            SubscriptionStatus.ACTIVE,
            SubscriptionStatus.PAST_DUE,
            SubscriptionStatus.TRIALING,
        )
        if subscription.status not in allowed:
            raise SubscriptionNotPausable(f"A {subscription.status} subscription cannot pause.")
        now = billing_now(subscription)
        if resumes_at is not None and resumes_at <= now:
            raise InvalidBillingParameter("resumes_at must be in the future.", param="resumes_at")
        before = snapshot(subscription)
        _pause_locked(subscription, now, behavior, resumes_at)
        emit_updated("subscription.updated", subscription, before)
        audit(context, subscription, "subscription.paused", behavior=behavior)
    return subscription


def _pause_locked(subscription, now, behavior, resumes_at) -> None:
    from mcp_payments.api.serializers import TimestampField

    stamp = TimestampField().to_representation
    subscription.status = SubscriptionStatus.PAUSED
    subscription.pause = {
        "paused_at": stamp(now),
        "resumes_at": stamp(resumes_at),
        "behavior": behavior,
    }
    subscription.save()
    emit("subscription.paused", subscription)
    mrr_sync(subscription, now)


def subscription_resume(
    *,
    context: AuthContext | None,
    subscription_id: str,
    billing_cycle_anchor: str = "unchanged",
) -> Subscription:
    """paused → active. `billing_cycle_anchor: now` restarts the period now and invoices it in
    full. Emits `subscription.resumed` and `subscription.updated`."""
    invoice = None
    with service_transaction():
        subscription = lock_subscription(context, subscription_id)
        if subscription.status != SubscriptionStatus.PAUSED:
            raise SubscriptionNotPaused()
        now = billing_now(subscription)
        before = snapshot(subscription)
        subscription.status = SubscriptionStatus.ACTIVE
        subscription.pause = None
        if billing_cycle_anchor == "now":
            subscription.billing_cycle_anchor = now
            subscription.period_index = 0
            subscription.current_period_start = now
            subscription.current_period_end = boundary(
                now, subscription.interval, subscription.interval_count, 1
            )
        subscription.save()
        if billing_cycle_anchor == "now":
            invoice = inv.invoice_build(
                customer=subscription.customer,
                subscription=subscription,
                currency=subscription.currency,
                reason=BillingReason.SUBSCRIPTION_UPDATE,
                period_start=now,
                period_end=subscription.current_period_end,
                lines=inv.item_lines(subscription, now, subscription.current_period_end),
                now=now,
                finalize_now=True,
                collection_method=subscription.collection_method,
            )
        emit("subscription.resumed", subscription)
        emit_updated("subscription.updated", subscription, before)
        mrr_sync(subscription, now)
        audit(context, subscription, "subscription.resumed")
    if invoice is not None and inv.invoice_is_collectible(invoice):
        inv.invoice_attempt(invoice_id=invoice.id)
    subscription.refresh_from_db()
    return subscription


def subscription_discount_delete(
    *, context: AuthContext | None, subscription_id: str
) -> Subscription:
    """Remove the subscription's discount (`DELETE /subscriptions/{id}/discount`)."""
    with transaction.atomic():
        subscription = lock_subscription(context, subscription_id)
        before = snapshot(subscription)
        Discount.objects.filter(subscription=subscription).delete()
        emit_updated("subscription.updated", subscription, before)
        mrr_sync(subscription, billing_now(subscription))
        audit(context, subscription, "subscription.discount_deleted")
    return subscription


# --- agent policy amounts ---------------------------------------------------------------------


def policy_amount_create(*, merchant_id: str, params: SubscriptionParams) -> tuple[int, str]:
    """The agent-policy amount of a creation (BILLING.md §8): the larger of the amount due now
    and the recurring amount per period, which for a new subscription is the recurring amount
    (Σ unit_amount x quantity). Unknown prices count 0 (the service refuses them)."""
    ids = [item.price for item in params.items if item.price]
    prices = {p.id: p for p in Price.objects.filter(pk__in=ids, merchant_id=merchant_id)}
    total = sum(
        prices[item.price].unit_amount * (item.quantity or 1)
        for item in params.items
        if item.price in prices
    )
    currency = next(iter(prices.values())).currency if prices else "usd"
    return total, currency


def policy_amount_update(
    *, context: AuthContext | None, subscription_id: str, params: UpdateParams
) -> tuple[int, str]:
    """The larger of the amount due now (the preview when the update invoices at once) and the
    recurring amount per period after the change."""
    from ..models import Subscription as Model

    subscription = Model.objects.filter(pk=subscription_id).first()
    if subscription is None or subscription.status in TERMINAL:
        return 0, "usd"
    preview = invoice_upcoming(context=context, subscription_id=subscription_id, params=params)
    recurring = sum(
        line["amount"] for line in preview["lines"]["data"] if line["type"] == LineType.SUBSCRIPTION
    )
    if preview["billing_reason"] == BillingReason.SUBSCRIPTION_UPDATE:
        plan = plan_update(subscription, params.items, billing_now(subscription), False)
        recurring = sum(price.unit_amount * quantity for _, price, quantity in plan.keep)
        return max(preview["amount_due"], recurring), subscription.currency
    return recurring, subscription.currency
