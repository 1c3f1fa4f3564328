"""Reads of notifications objects, scoped to the caller's merchant (or user)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.models import ApiKey, Membership
from mcp_payments.accounts.scoping import merchant_scoped

from .enums import DEFAULT_CHANNELS, KIND_ROLES, EndpointStatus
from .exceptions import (
    DashboardUserRequired,
    NotificationNotFound,
    WebhookDeliveryNotFound,
    WebhookEndpointNotFound,
)
from .models import (
    Notification,
    NotificationPreference,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

_scoped = merchant_scoped  # one merchant-scoping rule (mcp_payments.accounts.scoping)


def context_livemode(context: AuthContext) -> bool:
    """Whether the caller acts in live mode: its key's mode; a dashboard user is live once the
    merchant has an active live key (docs/api.md, Webhooks)."""
    if context.api_key is not None:
        return context.api_key.mode == ApiKey.Mode.LIVE
    if context.merchant is None:
        return False
    return ApiKey.objects.filter(
        merchant=context.merchant, mode=ApiKey.Mode.LIVE, revoked_at__isnull=True
    ).exists()


def webhook_endpoint_list(*, context: AuthContext, status: str | None = None) -> QuerySet:
    endpoints = _scoped(WebhookEndpoint.objects.filter(deleted_at__isnull=True), context)
    return endpoints.filter(status=status) if status else endpoints


def webhook_endpoint_get(
    *, context: AuthContext, endpoint_id: str, for_update: bool = False
) -> WebhookEndpoint:
    endpoints = webhook_endpoint_list(context=context)
    if for_update:
        endpoints = endpoints.select_for_update()
    endpoint = endpoints.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise WebhookEndpointNotFound(f"No such webhook endpoint: '{endpoint_id}'", param="id")
    return endpoint


def _with_attempts(deliveries: QuerySet) -> QuerySet:
    return deliveries.prefetch_related(
        Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("id"))
    )


def webhook_delivery_list(
    *, context: AuthContext, endpoint_id: str, status: str | None = None
) -> QuerySet[WebhookDelivery]:
    endpoint = webhook_endpoint_get(context=context, endpoint_id=endpoint_id)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    if status:
        deliveries = deliveries.filter(status=status)
    return _with_attempts(deliveries)


def webhook_delivery_get(*, context: AuthContext, delivery_id: str) -> WebhookDelivery:
    deliveries = _scoped(WebhookDelivery.objects.filter(endpoint__deleted_at__isnull=True), context)
    delivery = _with_attempts(deliveries).filter(pk=delivery_id).first()
    if delivery is None:
        raise WebhookDeliveryNotFound(f"No such webhook delivery: '{delivery_id}'", param="id")
    return delivery


def enabled_endpoints_for(merchant_ids: set[str]) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(
        merchant_id__in=merchant_ids, status=EndpointStatus.ENABLED, deleted_at__isnull=True
    ).only("id", "merchant_id", "enabled_events")


def require_dashboard_user(context: AuthContext) -> None:
    if context.user is None or context.api_key is not None:
        raise DashboardUserRequired()


def notification_list(*, context: AuthContext, unread: bool | None = None) -> QuerySet:
    require_dashboard_user(context)
    notifications = Notification.objects.filter(user=context.user)
    if unread is not None:
        notifications = notifications.filter(read_at__isnull=unread)
    return notifications


def notification_get(
    *, context: AuthContext, notification_id: str, for_update: bool = False
) -> Notification:
    notifications = notification_list(context=context)
    if for_update:
        notifications = notifications.select_for_update()
    notification = notifications.filter(pk=notification_id).first()
    if notification is None:
        raise NotificationNotFound(f"No such notification: '{notification_id}'", param="id")
    return notification


def effective_channels(overrides: dict[str, list[str]] | None) -> dict[str, list[str]]:
    """The channels of every kind: the user's choices over the defaults."""
    overrides = overrides or {}
    return {kind: list(overrides.get(kind, default)) for kind, default in DEFAULT_CHANNELS.items()}


@dataclass(frozen=True)
class Preferences:
    phone: str | None
    channels: dict[str, list[str]]


def preferences_get(*, context: AuthContext) -> Preferences:
    require_dashboard_user(context)
    preference = NotificationPreference.objects.filter(user=context.user).first()
    if preference is None:
        return Preferences(phone=None, channels=effective_channels(None))
    return Preferences(
        phone=preference.phone or None, channels=effective_channels(preference.channels)
    )


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    phone: str
    channels: frozenset[str]


def merchant_recipients(
    *, merchant_id: str, kind: str, roles: frozenset[str] | None = None
) -> list[Recipient]:
    """The merchant's active users notified of `kind` (by role), each with the channels they
    keep on for it and their contact details."""
    roles = roles if roles is not None else KIND_ROLES.get(kind, frozenset({"admin"}))
    memberships = (
        Membership.objects.filter(merchant_id=merchant_id, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    users = [membership.user for membership in memberships]
    preferences = {
        preference.user_id: preference
        for preference in NotificationPreference.objects.filter(user__in=users)
    }
    recipients = []
    for user in users:
        preference = preferences.get(user.pk)
        overrides = preference.channels if preference is not None else {}
        channels = overrides.get(kind, DEFAULT_CHANNELS.get(kind, ("email",)))
        recipients.append(
            Recipient(
                user_id=user.pk,
                email=getattr(user, get_user_model().EMAIL_FIELD, "") or "",
                phone=preference.phone if preference is not None else "",
                channels=frozenset(channels),
            )
        )
    return recipients
