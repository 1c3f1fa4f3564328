"""In-app notifications and notification preferences of dashboard users."""

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.events.services import emit_many

from ..enums import DEFAULT_CHANNELS, Channel
from ..exceptions import InvalidPreferences
from ..models import Notification, NotificationPreference
from ..selectors import Preferences, notification_get, preferences_get, require_dashboard_user

PHONE_PATTERN = re.compile(r"^\+[1-9]\d{6,14}$")


def notifications_create(
    *,
    merchant_id: str,
    user_ids: list[int],
    kind: str,
    title: str,
    body: str,
    object_id: str,
    event_id: str,
) -> list[Notification]:
    """One notification per user, in one INSERT, each with its `notification.created` event
    (the realtime layer pushes it on /ws/alerts). Building block: the caller's transaction."""
    if not user_ids:
        return []
    now = timezone.now()
    rows = [
        Notification(
            user_id=user_id,
            merchant_id=merchant_id,
            kind=kind,
            title=title[:200],
            body=body[:1000],
            object_id=object_id,
            event_id=event_id,
            created=now,
        )
        for user_id in user_ids
    ]
    Notification.objects.bulk_create(rows)
    emit_many([("notification.created", row) for row in rows])
    return rows


def notification_mark_read(*, context: AuthContext, notification_id: str) -> Notification:
    """Mark the caller's notification read (idempotent: the first read time is kept)."""
    with transaction.atomic():
        notification = notification_get(
            context=context, notification_id=notification_id, for_update=True
        )
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


def _validate_channels(channels: Any) -> dict[str, list[str]]:
    if not isinstance(channels, dict):
        raise InvalidPreferences("channels must be an object.", param="channels")
    valid_channels = set(Channel.values)
    cleaned: dict[str, list[str]] = {}
    for kind, chosen in channels.items():
        if kind not in DEFAULT_CHANNELS:
            raise InvalidPreferences(
                f"Unknown notification kind: '{kind}'. One of {', '.join(DEFAULT_CHANNELS)}.",
                param=f"channels[{kind}]",
            )
        if not isinstance(chosen, list) or any(item not in valid_channels for item in chosen):
            raise InvalidPreferences(
                f"channels[{kind}] must be a list of {', '.join(Channel.values)}.",
                param=f"channels[{kind}]",
            )
        cleaned[kind] = [item for item in Channel.values if item in chosen]
    return cleaned


def preferences_update(
    *, context: AuthContext, channels: Any = None, phone: Any = ...
) -> Preferences:
    """Set the caller's channels for the kinds given (each a complete list; kinds not given keep
    their current channels) and/or their phone (E.164; null removes it). SMS needs a phone."""
    require_dashboard_user(context)
    cleaned = _validate_channels(channels) if channels is not None else {}
    if phone not in (..., None) and (not isinstance(phone, str) or not PHONE_PATTERN.match(phone)):
        raise InvalidPreferences(
            "phone must be an E.164 number such as +14155550123.", param="phone"
        )
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(
            user=context.user
        )
        if phone is not ...:
            preference.phone = phone or ""
        merged = {**preference.channels, **cleaned}
        wants_sms = [kind for kind, chosen in cleaned.items() if Channel.SMS in chosen]
        if wants_sms and not preference.phone:
            raise InvalidPreferences(
                f"Add a phone number to receive {wants_sms[0]} by SMS.", param="phone"
            )
        preference.channels = merged
        preference.save()
    return preferences_get(context=context)
