"""Constants of the notifications app: webhook event types, statuses, notification kinds and
channels."""

from django.db import models

# Every event type a webhook endpoint may subscribe to: API.md §4, plus the types the platform
# emits beyond that list (`payment.amount_capturable_updated`, `payment.settled`,
# `refund.pending`, `payout.canceled`, `adjustment.approved`). A test holds it
# equal to the `emit("...")` calls of the code base. Internal types (`notification.created`,
# `system.alert`) are not delivered to webhooks.
WEBHOOK_EVENT_TYPES: tuple[str, ...] = (
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "payment.created",
    "payment.requires_action",
    "payment.processing",
    "payment.amount_capturable_updated",
    "payment.succeeded",
    "payment.failed",
    "payment.canceled",
    "payment.captured",
    "payment.settled",
    "refund.created",
    "refund.pending",
    "refund.succeeded",
    "refund.failed",
    "dispute.created",
    "dispute.updated",
    "dispute.closed",
    "wallet.created",
    "wallet.frozen",
    "wallet.unfrozen",
    "transfer.created",
    "transfer.posted",
    "transfer.voided",
    "transfer.failed",
    "payout.created",
    "payout.paid",
    "payout.failed",
    "payout.canceled",
    "adjustment.approved",
    "subscription.created",
    "subscription.updated",
    "subscription.canceled",
    "invoice.created",
    "invoice.paid",
    "invoice.payment_failed",
    "risk.review_opened",
    "risk.review_closed",
    "compliance.alert_opened",
    "compliance.alert_resolved",
    "webhook_endpoint.disabled",
    "agent.approval_requested",
    "agent.approval_decided",
)
WEBHOOK_EVENT_TYPE_SET = frozenset(WEBHOOK_EVENT_TYPES)
ALL_EVENTS = "*"
# Types the platform emits that are never delivered to webhook endpoints.
INTERNAL_EVENT_TYPES = frozenset({"notification.created", "system.alert"})


class EndpointStatus(models.TextChoices):
    ENABLED = "enabled"
    DISABLED = "disabled"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Channel(models.TextChoices):
    EMAIL = "email"
    SMS = "sms"
    IN_APP = "in_app"


# What a merchant user can be notified of, and the channels on by default for each.
# `report.ready` has no event yet: analytics calls `notify_merchant_admins` for it.
DEFAULT_CHANNELS: dict[str, tuple[str, ...]] = {
    "payment.failed": ("in_app",),
    "dispute.created": ("email", "in_app"),
    "payout.paid": ("email",),
    "payout.failed": ("email", "in_app"),
    "webhook_endpoint.disabled": ("email", "in_app"),
    "compliance.alert_opened": ("email", "sms", "in_app"),
    "risk.review_opened": ("in_app",),
    "agent.approval_requested": ("email", "in_app"),
    "report.ready": ("email",),
}
NOTIFICATION_KINDS: tuple[str, ...] = tuple(DEFAULT_CHANNELS)

# The merchant roles notified of each kind (admins of everything).
KIND_ROLES: dict[str, frozenset[str]] = {
    "payment.failed": frozenset({"admin", "finance", "support"}),
    "dispute.created": frozenset({"admin", "finance", "support"}),
    "payout.paid": frozenset({"admin", "finance"}),
    "payout.failed": frozenset({"admin", "finance"}),
    "webhook_endpoint.disabled": frozenset({"admin"}),
    "compliance.alert_opened": frozenset({"admin", "compliance"}),
    "risk.review_opened": frozenset({"admin", "compliance"}),
    "agent.approval_requested": frozenset({"admin"}),
    "report.ready": frozenset({"admin"}),
}

# Compliance alerts of these severities are also sent by SMS (to users with a phone).
SMS_ALERT_SEVERITIES = frozenset({"high", "critical"})
