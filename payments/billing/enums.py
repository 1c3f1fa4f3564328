"""Billing states and choices (BILLING.md §1, §3, §4)."""

from django.db import models


class Interval(models.TextChoices):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class PriceType(models.TextChoices):
    ONE_TIME = "one_time"
    RECURRING = "recurring"


class SubscriptionStatus(models.TextChoices):
    INCOMPLETE = "incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    UNPAID = "unpaid"
    PAUSED = "paused"
    CANCELED = "canceled"


TERMINAL = frozenset({SubscriptionStatus.CANCELED, SubscriptionStatus.INCOMPLETE_EXPIRED})
# Statuses that renew at period end (paused subscriptions renew into voided/draft invoices).
RENEWING = frozenset(
    {
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.PAST_DUE,
        SubscriptionStatus.UNPAID,
        SubscriptionStatus.TRIALING,
        SubscriptionStatus.PAUSED,
    }
)
# ANALYTICS.md §1 `mrr`: only these count.
MRR_STATUSES = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE})


class CollectionMethod(models.TextChoices):
    CHARGE_AUTOMATICALLY = "charge_automatically"
    SEND_INVOICE = "send_invoice"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"


class BillingReason(models.TextChoices):
    SUBSCRIPTION_CREATE = "subscription_create"
    SUBSCRIPTION_CYCLE = "subscription_cycle"
    SUBSCRIPTION_UPDATE = "subscription_update"
    MANUAL = "manual"


class LineType(models.TextChoices):
    SUBSCRIPTION = "subscription"
    PRORATION = "proration"
    INVOICEITEM = "invoiceitem"


class ProrationBehavior(models.TextChoices):
    CREATE_PRORATIONS = "create_prorations"
    ALWAYS_INVOICE = "always_invoice"
    NONE = "none"


class CouponDuration(models.TextChoices):
    ONCE = "once"
    REPEATING = "repeating"
    FOREVER = "forever"


class TestClockStatus(models.TextChoices):
    READY = "ready"
    ADVANCING = "advancing"
    INTERNAL_FAILURE = "internal_failure"


class PauseBehavior(models.TextChoices):
    VOID = "void"
    KEEP_AS_DRAFT = "keep_as_draft"


class TrialEndBehavior(models.TextChoices):
    CANCEL = "cancel"
    PAUSE = "pause"
    CREATE_INVOICE = "create_invoice"


class DunningSubscriptionAction(models.TextChoices):
    CANCEL = "cancel"
    MARK_UNPAID = "mark_unpaid"
    LEAVE_PAST_DUE = "leave_past_due"


class DunningInvoiceAction(models.TextChoices):
    MARK_UNCOLLECTIBLE = "mark_uncollectible"
    LEAVE_OPEN = "leave_open"


# BILLING.md §6: not retried until the payment method changes.
HARD_DECLINES = frozenset({"fraudulent", "expired_card", "lost_card", "stolen_card"})
