"""Webhook endpoints, deliveries and attempts; in-app notifications and preferences; and the
small projections of other apps' objects this app keeps from their events (it never imports
their models: DESIGN.md, dependency rules)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from mcp_payments.api.fields import PrefixedIdField

from .enums import DeliveryStatus, EndpointStatus


class WebhookEndpoint(models.Model):
    """A merchant's URL receiving signed events (API.md §5).

    The signing secret is stored encrypted (AES-GCM, `notifications.crypto`): it must be usable to
    sign, so it cannot be hashed, and a leaked database dump or backup alone must not let anyone
    forge webhooks. The ciphertext columns are in no serializer, admin page, event or log line.
    """

    id = PrefixedIdField("we")
    merchant = models.ForeignKey(
        "accounts.Merchant", on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    url = models.CharField(max_length=2048)
    enabled_events = ArrayField(models.CharField(max_length=64))
    description = models.CharField(max_length=500, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    # Created with a live key: https and public addresses only (re-checked at delivery).
    livemode = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=EndpointStatus.choices, default=EndpointStatus.ENABLED
    )
    secret_ciphertext = models.TextField(editable=False)
    # During a rotation the previous secret signs too, until it expires.
    previous_secret_ciphertext = models.TextField(blank=True, default="", editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # Circuit breaker: consecutive failed attempts; while at or above the threshold, one probe
    # delivery is let through at `circuit_probe_at` and the others are deferred.
    consecutive_failures = models.PositiveIntegerField(default=0)
    circuit_probe_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField()
    disabled_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["merchant", "status"],
                name="webhook_endpoint_live",
                condition=Q(deleted_at=None),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.id})"


class WebhookDelivery(models.Model):
    """One event for one endpoint: retried until delivered or its retry window closes."""

    id = PrefixedIdField("whd")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=64)
    # The event JSON as sent: signed and posted byte for byte on every attempt.
    payload = models.TextField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempt_count = models.PositiveIntegerField(default=0)
    # When the next attempt is due (a queued attempt holds a lease until then); null when final.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_event_unique"
            )
        ]
        indexes = [
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_endpoint"),
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.id})"


class WebhookAttempt(models.Model):
    """One POST of a delivery: what came back (or what went wrong) and how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField()
    succeeded = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField()
    response_body = models.TextField(blank=True, default="")  # the first 1 KB
    error_type = models.CharField(max_length=64, blank=True, default="")
    error_message = models.CharField(max_length=500, blank=True, default="")
    manual = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["delivery", "id"], name="webhook_attempt_delivery")]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.pk} {self.status_code or self.error_type}"


class CustomerContact(models.Model):
    """Projection of a customer's contact details from `customer.*` events (receipts).
    Erased (blanked) on `customer.deleted`; `sequence` drops out-of-order updates."""

    customer_id = models.CharField(max_length=64, primary_key=True)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="+")
    email = models.CharField(max_length=254, blank=True, default="")
    name = models.CharField(max_length=200, blank=True, default="")
    phone = models.CharField(max_length=32, blank=True, default="")
    deleted = models.BooleanField(default=False)
    sequence = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return self.customer_id


class PaymentCustomer(models.Model):
    """Which customer paid a payment (from `payment.succeeded`), so a refund's receipt, whose
    event names only the payment, reaches them."""

    payment_id = models.CharField(max_length=64, primary_key=True)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="+")
    customer_id = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.customer_id}"


class MerchantNotificationSettings(models.Model):
    """Per merchant: which receipts customers get (back office only for now)."""

    merchant = models.OneToOneField(
        "accounts.Merchant", on_delete=models.CASCADE, related_name="notification_settings"
    )
    customer_email_receipts = models.BooleanField(default=True)
    customer_sms_receipts = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "merchant notification settings"

    def __str__(self) -> str:
        return f"notification settings of {self.merchant_id}"


class NotificationPreference(models.Model):
    """A dashboard user's channels per notification kind (only the kinds they changed; the
    defaults of `enums.DEFAULT_CHANNELS` apply to the others) and their phone for SMS."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    phone = models.CharField(max_length=32, blank=True, default="")
    channels = models.JSONField(default=dict, blank=True)  # {"payout.paid": ["email"]}
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preferences of user {self.user_id}"


class Notification(models.Model):
    """An in-app notification for one dashboard user."""

    id = PrefixedIdField("ntf")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=1000, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    event_id = models.CharField(max_length=64, blank=True, default="")
    created = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-id"], name="notification_user_newest")]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id} ({self.id})"
