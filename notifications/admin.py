"""Back office for webhooks and notifications: endpoints (never their secrets), deliveries with
their attempts and a "retry now" action, in-app notifications, preferences and receipt settings.
Writes that matter go through the services."""

from django.contrib import admin, messages
from unfold.admin import TabularInline

from mcp_payments.accounts.context import system_context
from mcp_payments.api.errors import ApplicationError
from mcp_payments.backoffice.admin_kit import BackOfficeAdmin, ReadOnlyAdmin, staff_context

from .models import (
    MerchantNotificationSettings,
    Notification,
    NotificationPreference,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from .services.deliveries import webhook_delivery_retry


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    # The secret columns are listed nowhere (fields whitelist below).
    fields = (
        "id",
        "merchant",
        "url",
        "enabled_events",
        "status",
        "livemode",
        "description",
        "metadata",
        "consecutive_failures",
        "circuit_probe_at",
        "previous_secret_expires_at",
        "created",
        "disabled_at",
        "deleted_at",
    )
    readonly_fields = fields
    list_display = (
        "id",
        "merchant",
        "url",
        "status",
        "livemode",
        "consecutive_failures",
        "created",
    )
    list_filter = ("status", "livemode")
    search_fields = ("id", "url", "merchant__id")
    ordering = ("-id",)


class WebhookAttemptInline(TabularInline):
    model = WebhookAttempt
    fields = (
        "attempted_at",
        "succeeded",
        "status_code",
        "latency_ms",
        "error_type",
        "error_message",
        "response_body",
        "manual",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("id",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    fields = (
        "id",
        "endpoint",
        "merchant",
        "event_id",
        "event_type",
        "status",
        "attempt_count",
        "next_attempt_at",
        "created",
        "completed_at",
        "payload",
    )
    readonly_fields = fields
    list_display = ("id", "endpoint", "event_type", "status", "attempt_count", "created")
    list_filter = ("status", "event_type")
    search_fields = ("id", "event_id", "endpoint__id", "merchant__id")
    ordering = ("-id",)
    inlines = (WebhookAttemptInline,)
    actions = ("retry_now",)

    @admin.action(description="Retry now (one attempt each)")
    def retry_now(self, request, queryset) -> None:
        context = staff_context(request) or system_context()
        done = 0
        for delivery in queryset:
            try:
                webhook_delivery_retry(context=context, delivery_id=delivery.id)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{delivery.id}: {exc.message}", level=messages.ERROR)
        if done:
            self.message_user(request, f"Sent {done} delivery attempt(s).")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "merchant", "kind", "title", "created", "read_at")
    list_filter = ("kind",)
    search_fields = ("id", "user__username", "merchant__id", "object_id")
    ordering = ("-id",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ("user", "updated")
    search_fields = ("user__username",)


@admin.register(MerchantNotificationSettings)
class MerchantNotificationSettingsAdmin(BackOfficeAdmin):
    list_display = ("merchant", "customer_email_receipts", "customer_sms_receipts")
    search_fields = ("merchant__id", "merchant__name")
    autocomplete_fields = ("merchant",)
