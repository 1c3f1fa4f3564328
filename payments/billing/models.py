"""Billing objects (BILLING.md §1): catalog, subscriptions, invoices, coupons, test clocks, per
merchant dunning settings and invoice numbering, and the MRR validity segments analytics reads
(ANALYTICS.md §1 `mrr`). Amounts are integers in minor units with their currency."""

from django.db import models

from mcp_payments.api.fields import PrefixedIdField

from .enums import (
    BillingReason,
    CollectionMethod,
    CouponDuration,
    DunningInvoiceAction,
    DunningSubscriptionAction,
    Interval,
    InvoiceStatus,
    LineType,
    PriceType,
    SubscriptionStatus,
    TestClockStatus,
    TrialEndBehavior,
)

_MERCHANT = {"on_delete": models.PROTECT, "related_name": "+"}


class TestClock(models.Model):
    """A simulated "now" for the customers attached to it (sandbox only)."""

    __test__ = False  # not a pytest class

    id = PrefixedIdField("clock")
    merchant = models.ForeignKey("accounts.Merchant", **_MERCHANT)
    name = models.CharField(max_length=200, blank=True, default="")
    frozen_time = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=TestClockStatus.choices, default=TestClockStatus.READY
    )
    advancing_to = models.DateTimeField(null=True, blank=True)
    deletes_after = models.DateTimeField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name or 'clock'} ({self.id}) @ {self.frozen_time:%Y-%m-%d %H:%M}"


class Product(models.Model):
    id = PrefixedIdField("prod")
    merchant = models.ForeignKey("accounts.Merchant", **_MERCHANT)
    name = models.CharField(max_length=250)
    description = models.CharField(max_length=1000, null=True, blank=True)
    active = models.BooleanField(default=True)
    default_price = models.CharField(max_length=40, null=True, blank=True)
    unit_label = models.CharField(max_length=12, null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "-id"], name="product_merchant_newest")]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class Price(models.Model):
    """Amounts never change: a new price replaces an old one."""

    id = PrefixedIdField("price")
    merchant = models.ForeignKey("accounts.Merchant", **_MERCHANT)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="prices")
    active = models.BooleanField(default=True)
    currency = models.CharField(max_length=3)
    type = models.CharField(max_length=9, choices=PriceType.choices)
    unit_amount = models.BigIntegerField()
    interval = models.CharField(max_length=5, choices=Interval.choices, null=True, blank=True)
    interval_count = models.PositiveSmallIntegerField(null=True, blank=True)
    trial_period_days = models.PositiveSmallIntegerField(null=True, blank=True)
    lookup_key = models.CharField(max_length=200, null=True, blank=True)
    nickname = models.CharField(max_length=250, null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "-id"], name="price_merchant_newest")]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_amount__gte=0), name="price_amount_gte0")
        ]

    def __str__(self) -> str:
        every = f"/{self.interval_count} {self.interval}" if self.interval else ""
        return f"{self.unit_amount} {self.currency}{every} ({self.id})"


class Coupon(models.Model):
    """`percent_off_bps` (1..10000) or `amount_off` + `currency`; never a float. `code` is the
    merchant's own id for it, when given."""

    id = PrefixedIdField("cpn")
    merchant = models.ForeignKey("accounts.Merchant", **_MERCHANT)
    code = models.CharField(max_length=64, null=True, blank=True)
    name = models.CharField(max_length=100, null=True, blank=True)
    percent_off_bps = models.PositiveIntegerField(null=True, blank=True)
    amount_off = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, null=True, blank=True)
    duration = models.CharField(max_length=9, choices=CouponDuration.choices)
    duration_in_months = models.PositiveSmallIntegerField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(null=True, blank=True)
    times_redeemed = models.PositiveIntegerField(default=0)
    redeem_by = models.DateTimeField(null=True, blank=True)
    applies_to_products = models.JSONField(null=True, blank=True)
    deleted = models.BooleanField(default=False)
    metadata = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "-id"], name="coupon_merchant_newest")]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "code"],
                condition=models.Q(deleted=False, code__isnull=False),
                name="coupon_code_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code or self.name or 'coupon'} ({self.id})"


class Subscription(models.Model):
    """Period n ends at `boundary(billing_cycle_anchor, period_index + 1)`, computed from the
    anchor every time (periods.py); `period_index` -1 is the stub before a future anchor or a
    trial."""

    id = PrefixedIdField("sub")
    merchant = models.ForeignKey("accounts.Merchant", **_MERCHANT)
    customer = models.ForeignKey("payments.Customer", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    interval = models.CharField(max_length=5, choices=Interval.choices)
    interval_count = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=18, choices=SubscriptionStatus.choices)
    collection_method = models.CharField(
        max_length=20,
        choices=CollectionMethod.choices,
        default=CollectionMethod.CHARGE_AUTOMATICALLY,
    )
    days_until_due = models.PositiveSmallIntegerField(null=True, blank=True)
    default_payment_method = models.CharField(max_length=40, null=True, blank=True)
    billing_cycle_anchor = models.DateTimeField()
    period_index = models.IntegerField(default=0)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    trial_start = models.DateTimeField(null=True, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    trial_end_behavior = models.CharField(
        max_length=14, choices=TrialEndBehavior.choices, default=TrialEndBehavior.CREATE_INVOICE
    )
    trial_will_end_sent = models.BooleanField(default=False)
    upcoming_sent_for = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    cancel_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    cancellation_details = models.JSONField(null=True, blank=True)
    pause = models.JSONField(null=True, blank=True)
    latest_invoice = models.CharField(max_length=40, null=True, blank=True)
    test_clock = models.ForeignKey(
        TestClock, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    start_date = models.DateTimeField()
    metadata = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "-id"], name="sub_merchant_newest"),
            models.Index(
                fields=["current_period_end"],
                name="sub_renewal_due",
                condition=models.Q(
                    status__in=["active", "past_due", "unpaid", "trialing", "paused"]
                ),
            ),
        ]

    # True when the renewal job loaded the row with its items (price and product) and discount
    # (coupon) in two queries (services.common.lock_for_renewal); nothing in that transaction
    # changes them, so its lines, representations and MRR reuse them instead of reading again.
    preloaded = False

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    def priced_items(self) -> list["SubscriptionItem"]:
        """The items (price joined, and product unless a list prefetched only prices) ordered
        by id: the prefetched ones (the renewal loader, list selectors), else one query."""
        if "items" in getattr(self, "_prefetched_objects_cache", {}):
            items = list(self.items.all())
        else:
            items = list(self.items.select_related("price__product"))
        return sorted(items, key=lambda item: item.id)

    def current_discount(self) -> "Discount | None":
        """The discount (coupon joined), or None: the preloaded one, else one query."""
        if self.preloaded:
            return Subscription.discount.related.get_cached_value(self)
        return Discount.objects.select_related("coupon").filter(subscription=self).first()


class SubscriptionItem(models.Model):
    id = PrefixedIdField("si")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="items")
    price = models.ForeignKey(Price, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    metadata = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.id} {self.price_id} x {self.quantity}"


class Discount(models.Model):
    id = PrefixedIdField("di")
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("payments.Customer", on_delete=models.PROTECT, related_name="+")
    subscription = models.OneToOneField(
        Subscription, on_delete=models.CASCADE, null=True, related_name="discount"
    )
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    used = models.BooleanField(default=False)  # `once` coupons after their first invoice

    def __str__(self) -> str:
        return f"{self.id} ({self.coupon_id})"


class Invoice(models.Model):
    id = PrefixedIdField("in")
    merchant = models.ForeignKey("accounts.Merchant", **_MERCHANT)
    number = models.CharField(max_length=40, null=True, blank=True)
    customer = models.ForeignKey("payments.Customer", on_delete=models.PROTECT, related_name="+")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    status = models.CharField(max_length=13, choices=InvoiceStatus.choices)
    billing_reason = models.CharField(max_length=19, choices=BillingReason.choices)
    collection_method = models.CharField(max_length=20, choices=CollectionMethod.choices)
    currency = models.CharField(max_length=3)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    subtotal = models.BigIntegerField(default=0)
    total_discount_amount = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    starting_balance = models.BigIntegerField(default=0)
    ending_balance = models.BigIntegerField(null=True, blank=True)
    amount_due = models.BigIntegerField(default=0)
    amount_paid = models.BigIntegerField(default=0)
    amount_remaining = models.BigIntegerField(default=0)
    paid_out_of_band = models.BooleanField(default=False)
    attempt_count = models.PositiveIntegerField(default=0)
    attempt_in_progress = models.BooleanField(default=False)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    last_decline_code = models.CharField(max_length=40, null=True, blank=True)
    next_payment_attempt = models.DateTimeField(null=True, blank=True)
    auto_advance = models.BooleanField(default=True)
    payment = models.CharField(max_length=40, null=True, blank=True)
    due_date = models.DateTimeField(null=True, blank=True)
    finalize_at = models.DateTimeField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    marked_uncollectible_at = models.DateTimeField(null=True, blank=True)
    test_clock = models.ForeignKey(
        TestClock, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    metadata = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "-id"], name="invoice_merchant_newest"),
            models.Index(
                fields=["next_payment_attempt"],
                name="invoice_retry_due",
                condition=models.Q(status="open", next_payment_attempt__isnull=False),
            ),
            models.Index(
                fields=["finalize_at"],
                name="invoice_finalize_due",
                condition=models.Q(status="draft"),
            ),
        ]
        constraints = [
            # BILLING.md §6: a duplicate renewal job is a no-op.
            models.UniqueConstraint(
                fields=["subscription", "period_start", "billing_reason"],
                condition=models.Q(billing_reason="subscription_cycle"),
                name="invoice_one_per_period",
            ),
            models.UniqueConstraint(fields=["merchant", "number"], name="invoice_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.id} {self.total} {self.currency} ({self.status})"


class InvoiceLine(models.Model):
    id = PrefixedIdField("il")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    type = models.CharField(max_length=12, choices=LineType.choices)
    price = models.ForeignKey(Price, on_delete=models.PROTECT, null=True, related_name="+")
    subscription_item = models.CharField(max_length=40, null=True, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    amount = models.BigIntegerField()
    description = models.CharField(max_length=500, blank=True, default="")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    proration = models.BooleanField(default=False)
    proration_details = models.JSONField(null=True, blank=True)
    discount_amount = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.id} {self.amount}"


class InvoiceItem(models.Model):
    """A pending amount for the customer's next invoice (prorations, one-off charges)."""

    id = PrefixedIdField("ii")
    merchant = models.ForeignKey("accounts.Merchant", **_MERCHANT)
    customer = models.ForeignKey("payments.Customer", on_delete=models.PROTECT, related_name="+")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    price = models.ForeignKey(Price, on_delete=models.PROTECT, null=True, related_name="+")
    subscription_item = models.CharField(max_length=40, null=True, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=500, blank=True, default="")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    proration = models.BooleanField(default=False)
    proration_details = models.JSONField(null=True, blank=True)
    invoice = models.ForeignKey(
        Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["merchant", "-id"], name="ii_merchant_newest")]

    def __str__(self) -> str:
        return f"{self.id} {self.amount} {self.currency}"


class InvoiceNumberSequence(models.Model):
    """The gapless per-merchant invoice counter, taken under a row lock at finalize."""

    merchant = models.OneToOneField(
        "accounts.Merchant", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.merchant_id}: {self.last_number}"


class DunningSettings(models.Model):
    """Per merchant (BILLING.md §6); merchants without a row get the defaults."""

    merchant = models.OneToOneField(
        "accounts.Merchant", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    retry_days = models.JSONField(default=list)
    subscription_action = models.CharField(
        max_length=14,
        choices=DunningSubscriptionAction.choices,
        default=DunningSubscriptionAction.CANCEL,
    )
    invoice_action = models.CharField(
        max_length=18,
        choices=DunningInvoiceAction.choices,
        default=DunningInvoiceAction.MARK_UNCOLLECTIBLE,
    )

    class Meta:
        verbose_name_plural = "dunning settings"

    def __str__(self) -> str:
        return f"Dunning of {self.merchant_id}"


class MrrSegment(models.Model):
    """One subscription's MRR (ANALYTICS.md §1 `mrr`, minor units) over [valid_from, valid_to);
    `valid_to` null = still open. Written by billing in each subscription transaction."""

    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="mrr_segments"
    )
    customer = models.ForeignKey("payments.Customer", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    mrr = models.BigIntegerField()
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "currency", "valid_from"], name="mrr_merchant_from")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription"],
                condition=models.Q(valid_to__isnull=True),
                name="mrr_one_open_segment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.mrr} {self.currency} from {self.valid_from}"
