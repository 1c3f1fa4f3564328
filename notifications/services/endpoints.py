"""Webhook endpoint writes: create, update, delete, rotate the secret. Each owns its transaction
and writes its audit row (never the secret: it is neither logged nor audited)."""

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.audit.records import audit_record

from ..crypto import decrypt_secret, encrypt_secret
from ..enums import ALL_EVENTS, WEBHOOK_EVENT_TYPE_SET, EndpointStatus
from ..exceptions import InvalidEnabledEvents, InvalidWebhookUrl
from ..models import WebhookEndpoint
from ..representations import WebhookEndpointSerializer
from ..selectors import context_livemode, webhook_endpoint_get
from ..url_policy import UnsafeUrl, check_url, resolve_target

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def validate_url(url: str, *, livemode: bool) -> str:
    """Raise InvalidWebhookUrl (param `url`) unless `url` may be called. Live endpoints' hosts
    are resolved now (and again before every delivery); sandbox loopback URLs are not."""
    try:
        scheme, _, _, _ = check_url(url, livemode=livemode)
        if livemode or scheme == "https":
            resolve_target(url, livemode=livemode)
    except UnsafeUrl as exc:
        raise InvalidWebhookUrl(str(exc)) from None
    return url


def validate_events(events: list[str]) -> list[str]:
    """Known types (API.md §4) or `["*"]` alone; duplicates dropped, order kept."""
    if not events:
        raise InvalidEnabledEvents("enabled_events must list at least one event type, or '*'.")
    unknown = [item for item in events if item != ALL_EVENTS and item not in WEBHOOK_EVENT_TYPE_SET]
    if unknown:
        raise InvalidEnabledEvents(f"Unknown event type: '{unknown[0]}'.")
    if ALL_EVENTS in events and len(set(events)) > 1:
        raise InvalidEnabledEvents("'*' already selects every event type; give it alone.")
    return list(dict.fromkeys(events))


def signing_secrets(endpoint: WebhookEndpoint, *, now: Any = None) -> list[str]:
    """The secrets that sign a delivery now: the current one, and the previous one until its
    rotation window ends."""
    now = now or timezone.now()
    found = [decrypt_secret(endpoint.secret_ciphertext, bound_to=endpoint.id)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_ciphertext and expires is not None and expires > now:
        found.append(decrypt_secret(endpoint.previous_secret_ciphertext, bound_to=endpoint.id))
    return found


def _audit(
    context: AuthContext | None,
    endpoint: WebhookEndpoint,
    action: str,
    before: dict[str, Any] | None = None,
) -> None:
    audit_record(
        context=context,
        action=action,
        object_type="webhook_endpoint",
        object_id=endpoint.id,
        before=before,
        after=dict(WebhookEndpointSerializer(endpoint).data),
        merchant_id=endpoint.merchant_id,
    )


def webhook_endpoint_create(
    *,
    context: AuthContext,
    url: str,
    enabled_events: list[str],
    description: str = "",
    metadata: dict[str, str] | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Create an enabled endpoint for the caller's merchant; returns it and its new secret
    (to show once). Live callers (live key, or a user of a merchant with live keys) get the
    live URL rules. Audited."""
    if context.merchant is None:
        raise MerchantRequired()
    livemode = context_livemode(context)
    validate_url(url, livemode=livemode)
    events = validate_events(enabled_events)
    secret = new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint(
            merchant=context.merchant,
            url=url,
            enabled_events=events,
            description=description,
            metadata=metadata or {},
            livemode=livemode,
            created=timezone.now(),
        )
        endpoint.secret_ciphertext = encrypt_secret(secret, bound_to=endpoint.id)
        endpoint.save(force_insert=True)
        _audit(context, endpoint, "webhook_endpoint.created")
    return endpoint, secret


def webhook_endpoint_update(
    *, context: AuthContext, endpoint_id: str, **changes: Any
) -> WebhookEndpoint:
    """Change `url`, `enabled_events`, `description`, `metadata` (merged; an empty value removes
    a key) or `status`. Enabling resets the circuit breaker. Audited."""
    with transaction.atomic():
        endpoint = webhook_endpoint_get(context=context, endpoint_id=endpoint_id, for_update=True)
        before = dict(WebhookEndpointSerializer(endpoint).data)
        if "url" in changes:
            endpoint.url = validate_url(changes["url"], livemode=endpoint.livemode)
        if "enabled_events" in changes:
            endpoint.enabled_events = validate_events(changes["enabled_events"])
        if "description" in changes:
            endpoint.description = changes["description"]
        if "metadata" in changes:
            merged = {**endpoint.metadata, **changes["metadata"]}
            endpoint.metadata = {key: value for key, value in merged.items() if value != ""}
        status = changes.get("status")
        if status == EndpointStatus.ENABLED and endpoint.status != EndpointStatus.ENABLED:
            endpoint.status = EndpointStatus.ENABLED
            endpoint.disabled_at = None
            endpoint.consecutive_failures = 0
            endpoint.circuit_probe_at = None
        elif status == EndpointStatus.DISABLED and endpoint.status != EndpointStatus.DISABLED:
            endpoint.status = EndpointStatus.DISABLED
            endpoint.disabled_at = timezone.now()
        endpoint.save()
        _audit(context, endpoint, "webhook_endpoint.updated", before=before)
    return endpoint


def webhook_endpoint_delete(*, context: AuthContext, endpoint_id: str) -> WebhookEndpoint:
    """Delete (disable and hide) the endpoint; its pending deliveries end as failed when their
    turn comes. Its deliveries stay for the back office. Audited."""
    with transaction.atomic():
        endpoint = webhook_endpoint_get(context=context, endpoint_id=endpoint_id, for_update=True)
        now = timezone.now()
        endpoint.deleted_at = now
        if endpoint.status != EndpointStatus.DISABLED:
            endpoint.status = EndpointStatus.DISABLED
            endpoint.disabled_at = now
        endpoint.save()
        _audit(context, endpoint, "webhook_endpoint.deleted")
    return endpoint


def webhook_endpoint_rotate_secret(
    *, context: AuthContext, endpoint_id: str
) -> tuple[WebhookEndpoint, str]:
    """Replace the secret; the one replaced keeps signing (a second `v1=`) for
    `WEBHOOK_SECRET_ROTATION_SECONDS` (24 h). Returns the endpoint and the new secret, to show
    once. Audited (without either secret)."""
    secret = new_secret()
    with transaction.atomic():
        endpoint = webhook_endpoint_get(context=context, endpoint_id=endpoint_id, for_update=True)
        now = timezone.now()
        endpoint.previous_secret_ciphertext = endpoint.secret_ciphertext
        endpoint.previous_secret_expires_at = now + timedelta(
            seconds=settings.WEBHOOK_SECRET_ROTATION_SECONDS
        )
        endpoint.secret_ciphertext = encrypt_secret(secret, bound_to=endpoint.id)
        endpoint.save()
        _audit(context, endpoint, "webhook_endpoint.secret_rotated")
    return endpoint, secret
