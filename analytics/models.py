from datetime import date

from django.db import models

from mcp_payments.api.fields import PrefixedIdField


class DailyCounter(models.Model):
    """A live counter per merchant, UTC day, currency and metric, incremented by the analytics
    subscriber (one upsert per event). `currency` is "" for counts without money."""

    merchant_id = models.CharField(max_length=64)
    day = models.DateField()
    currency = models.CharField(max_length=3, blank=True, default="")
    metric = models.CharField(max_length=64)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant_id", "day", "currency", "metric"], name="daily_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.day} {self.metric} {self.currency}: {self.value}"


# The additive measures of a rollup row (ANALYTICS.md §3); docs/analytics.md gives each one's
# source event and business time.
ROLLUP_MEASURES: tuple[str, ...] = (
    "gross_volume",
    "successful_payment_count",
    "fee_amount",
    "refunded_amount",
    "refund_count",
    "dispute_loss_amount",
    "dispute_fee_amount",
    "disputes_opened",
    "authorized_count",
    "declined_count",
    "risk_blocked_count",
    "canceled_count",
    "reviews_opened",
    "new_customers",
)
DIMENSION_MEASURES: tuple[str, ...] = (
    "gross_volume",
    "successful_payment_count",
    "fee_amount",
    "declined_count",
    "risk_blocked_count",
    "disputes_opened",
)
BUCKET_MINUTES = 15


class RollupMeasures(models.Model):
    """The ROLLUP_MEASURES columns, shared by the 15-minute rollup and its day totals."""

    gross_volume = models.BigIntegerField(default=0)
    successful_payment_count = models.BigIntegerField(default=0)
    fee_amount = models.BigIntegerField(default=0)
    refunded_amount = models.BigIntegerField(default=0)
    refund_count = models.BigIntegerField(default=0)
    dispute_loss_amount = models.BigIntegerField(default=0)
    dispute_fee_amount = models.BigIntegerField(default=0)
    disputes_opened = models.BigIntegerField(default=0)
    authorized_count = models.BigIntegerField(default=0)
    declined_count = models.BigIntegerField(default=0)
    risk_blocked_count = models.BigIntegerField(default=0)
    canceled_count = models.BigIntegerField(default=0)
    reviews_opened = models.BigIntegerField(default=0)
    new_customers = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class Rollup(RollupMeasures):
    """Totals per (merchant, currency, 15-minute bucket of business time). `currency` is ""
    for counts without money (new customers). Maintained by the analytics subscriber."""

    merchant_id = models.CharField(max_length=64)
    currency = models.CharField(max_length=3, blank=True, default="")
    bucket = models.DateTimeField()

    class Meta:
        constraints = [
            # (merchant, bucket) leads: a window is one index range whatever the currency.
            models.UniqueConstraint(
                fields=["merchant_id", "bucket", "currency"], name="analytics_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.currency} {self.bucket:%Y-%m-%d %H:%M}"


class RollupDay(RollupMeasures):
    """The 15-minute rollup summed per UTC day (same measures, same subscriber batch): a window
    reads its whole UTC days here and only its partial edge days from `Rollup`, so a 90-day
    summary adds up ~90 rows instead of 8,640."""

    merchant_id = models.CharField(max_length=64)
    currency = models.CharField(max_length=3, blank=True, default="")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant_id", "day", "currency"], name="analytics_rollup_day_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.currency} {self.day}"


class DimensionRollup(models.Model):
    """Sparse payment totals per (merchant, currency, bucket, dimension, value): the group-by
    of timeseries (source, api_key, payment_method_type, card_brand, risk_level,
    decline_code), top risk rules (risk_rule) and disputes by reason (dispute_reason)."""

    merchant_id = models.CharField(max_length=64)
    currency = models.CharField(max_length=3)
    bucket = models.DateTimeField()
    dimension = models.CharField(max_length=32)
    value = models.CharField(max_length=64)
    gross_volume = models.BigIntegerField(default=0)
    successful_payment_count = models.BigIntegerField(default=0)
    fee_amount = models.BigIntegerField(default=0)
    declined_count = models.BigIntegerField(default=0)
    risk_blocked_count = models.BigIntegerField(default=0)
    disputes_opened = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                # A group-by reads one dimension's window: (merchant, dimension, bucket) lead.
                fields=["merchant_id", "dimension", "bucket", "currency", "value"],
                name="analytics_dimension_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.dimension}={self.value} {self.bucket:%Y-%m-%d %H:%M}"


class CustomerDay(models.Model):
    """A customer's succeeded payments per (merchant, currency, UTC day): distinct counts are
    not additive. `first_at`/`last_at` bound the day's payments so a window cutting the day
    counts the customer when a payment falls inside it."""

    merchant_id = models.CharField(max_length=64)
    currency = models.CharField(max_length=3)
    day = models.DateField()
    customer_id = models.CharField(max_length=64)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    payment_count = models.BigIntegerField(default=0)
    gross_volume = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # (merchant, day) leads: a window's edge days and top customers are one range.
            models.UniqueConstraint(
                fields=["merchant_id", "day", "currency", "customer_id"],
                name="analytics_customer_day_key",
            )
        ]
        indexes = [
            # A customer's previous/next active day (CustomerDayGap upkeep, window edges). No
            # index holds first_at/last_at/counts, so a payment's update of its day is HOT.
            models.Index(
                fields=["merchant_id", "currency", "customer_id", "day"],
                name="analytics_customer_day_seq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.customer_id} {self.day}"


# prev_day of a customer's first active day (no earlier one).
NO_PREVIOUS_DAY = date(1, 1, 1)


class CustomerDayGap(models.Model):
    """How many customers were active on `day` (a CustomerDay row) whose previous active day
    (same merchant and currency) was `prev_day` (NO_PREVIOUS_DAY for their first). The distinct
    customers of whole days [a, b) are Σ customers over day in [a, b) with prev_day < a — each
    counted on their first active day of the window — so a 90-day count reads ~90 rows per
    distinct gap instead of every customer-day. Maintained with CustomerDay in the same batch."""

    merchant_id = models.CharField(max_length=64)
    currency = models.CharField(max_length=3)
    day = models.DateField()
    prev_day = models.DateField()
    customers = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # (merchant, day) leads: a window's range read whatever the currency.
            models.UniqueConstraint(
                fields=["merchant_id", "day", "currency", "prev_day"],
                name="analytics_customer_gap_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.currency} {self.day} after {self.prev_day}"


class DriftReport(models.Model):
    """One nightly reconciliation: the rollups of closed days against the source tables."""

    id = models.BigAutoField(primary_key=True)
    created = models.DateTimeField(auto_now_add=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    drift = models.JSONField(default=list)
    drift_count = models.IntegerField(default=0)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d}..{self.end:%Y-%m-%d}: {self.drift_count} differences"


class Report(models.Model):
    """A saved report definition (ANALYTICS.md §2), validated against the field whitelist."""

    id = PrefixedIdField("rpt")
    merchant_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    definition = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)
    # Schedule: null frequency = none. Delivery: emails get a signed link, the webhook an event.
    schedule = models.JSONField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant_id", "-id"], name="analytics_report_merchant"),
            models.Index(fields=["next_run_at"], name="analytics_report_due"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class RunStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ReportRun(models.Model):
    """One execution of a report: its rows (JSON) and CSV are kept until `expires_at`."""

    id = PrefixedIdField("rr")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="runs")
    merchant_id = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=RunStatus.choices)
    scheduled = models.BooleanField(default=False)
    row_count = models.IntegerField(null=True, blank=True)
    rows = models.JSONField(null=True, blank=True)
    csv = models.TextField(null=True, blank=True)
    error = models.CharField(max_length=500, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["merchant_id", "-id"], name="analytics_run_merchant")]

    def __str__(self) -> str:
        return f"{self.id} {self.status}"
