"""Webhook deliveries: created from events, attempted by the `deliver_webhook` task, retried on a
schedule, given up after the retry window (and the endpoint disabled), resent on request.

Lifecycle of a delivery (`status`):
- `pending`: created by the subscriber with a lease (`next_attempt_at` = now + lease) and queued
  at commit. An attempt that fails sets `next_attempt_at` to the next retry (1 min x 2^n with
  ±10 % jitter, capped at `WEBHOOK_RETRY_MAX_SECONDS`); the `dispatch_due_deliveries` sweep
  queues what is due (and re-queues a lost task once its lease ends). A task that could not be
  published at all (broker down) is made due at once, so the sweep sends it within seconds of
  the broker's return.
- `succeeded`: a 2xx answer. `failed`: no 2xx within `WEBHOOK_RETRY_WINDOW_SECONDS` (3 days) of
  its creation, or its endpoint was disabled or deleted meanwhile.

Every non-2xx answer is retried: network errors, timeouts, 5xx and 429 obviously; 3xx too (no
redirect is followed); and 4xx as well, as Stripe does (a receiver's 400/404 is often a deploy
gone wrong and fixed within the window). A refused URL (SSRF check) is retried too: DNS changes.

Circuit breaker: after `WEBHOOK_CIRCUIT_FAILURE_THRESHOLD` consecutive failed attempts of an
endpoint, one delivery per `WEBHOOK_CIRCUIT_PROBE_SECONDS` is let through as a probe and the others
are deferred to after the next probe time, without an attempt; the first 2xx closes the circuit.
"""

import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit

from .. import webhook_http
from ..enums import ALL_EVENTS, WEBHOOK_EVENT_TYPE_SET, DeliveryStatus, EndpointStatus
from ..exceptions import WebhookEndpointDisabled
from ..jobs import queue_deliveries
from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..selectors import enabled_endpoints_for, webhook_delivery_get
from ..signature import sign
from ..url_policy import UnsafeUrl, resolve_target
from ..webhook_http import Outcome
from .endpoints import signing_secrets

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "MCP-Payments-Signature"
EVENT_ID_HEADER = "MCP-Payments-Event-Id"
JITTER = 0.1


def encode_event(event: dict[str, Any]) -> str:
    """The body posted for an event: the event object as published (API.md §4, same keys in the
    same order), as compact JSON; stored once so every attempt sends the same bytes."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)


def _lease(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.WEBHOOK_DISPATCH_LEASE_SECONDS)


def deliveries_create_for_events(*, events: list[dict[str, Any]]) -> list[str]:
    """One pending delivery per (event, enabled endpoint of its merchant subscribed to its type),
    in one INSERT, each queued for its first attempt when the transaction commits.

    Building block of the webhooks subscriber: runs in the subscriber's transaction (which also
    records the events as processed, so a redelivered event creates nothing twice)."""
    relevant = [
        event
        for event in events
        if event.get("type") in WEBHOOK_EVENT_TYPE_SET and event.get("merchant")
    ]
    if not relevant:
        return []
    by_merchant: dict[str, list[WebhookEndpoint]] = {}
    for endpoint in enabled_endpoints_for({event["merchant"] for event in relevant}):
        by_merchant.setdefault(endpoint.merchant_id, []).append(endpoint)
    if not by_merchant:
        return []
    now = timezone.now()
    rows: list[WebhookDelivery] = []
    for event in relevant:
        payload = None
        for endpoint in by_merchant.get(event["merchant"], ()):
            wanted = endpoint.enabled_events
            if ALL_EVENTS not in wanted and event["type"] not in wanted:
                continue
            payload = payload or encode_event(event)
            rows.append(
                WebhookDelivery(
                    endpoint_id=endpoint.id,
                    merchant_id=endpoint.merchant_id,
                    event_id=event["id"],
                    event_type=event["type"],
                    payload=payload,
                    created=now,
                    next_attempt_at=_lease(now),
                )
            )
    if rows:
        WebhookDelivery.objects.bulk_create(rows)
    ids = [row.id for row in rows]
    queue_deliveries(ids, on_failure=_due_now)
    return ids


def retry_delay(attempt_count: int) -> timedelta:
    """The wait after failed attempt number `attempt_count` (1-based): base x 2^(n-1), capped,
    with ±10 % jitter so retries of many deliveries spread out."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** min(max(attempt_count - 1, 0), 30)
    seconds = min(base, settings.WEBHOOK_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(1 - JITTER, 1 + JITTER))  # noqa: S311


def retry_deadline(delivery: WebhookDelivery) -> datetime:
    return delivery.created + timedelta(seconds=settings.WEBHOOK_RETRY_WINDOW_SECONDS)


@dataclass(frozen=True)
class AttemptResult:
    """What `delivery_attempt` did: `attempted` False when it deferred or skipped."""

    attempted: bool
    outcome: Outcome | None = None
    reason: str = ""


def delivery_attempt(*, delivery_id: str, manual: bool = False) -> AttemptResult:
    """Attempt `delivery_id` once (the `deliver_webhook` task; `manual` for a resend request,
    which bypasses the schedule and the circuit breaker and may resend a finished delivery).

    A pending delivery whose window has closed is failed instead; one whose endpoint is disabled
    or deleted is failed without an attempt; one whose endpoint's circuit is open is deferred.
    No transaction is held during the HTTP request: the attempt and the delivery's new state
    are written together afterwards."""
    delivery = _load(delivery_id)
    if delivery is None:
        return AttemptResult(False, reason="missing")
    if not manual and delivery.status != DeliveryStatus.PENDING:
        return AttemptResult(False, reason="finished")
    endpoint = delivery.endpoint
    now = timezone.now()
    if endpoint.status != EndpointStatus.ENABLED or endpoint.deleted_at is not None:
        if not manual:
            _finish(delivery, DeliveryStatus.FAILED, now)
        return AttemptResult(False, reason="endpoint_disabled")
    if not manual:
        if now > retry_deadline(delivery):  # the last attempt is due at the deadline
            _give_up(delivery, now)
            return AttemptResult(False, reason="window_closed")
        deferred_to = _circuit_gate(endpoint, now)
        if deferred_to is not None:
            _defer(delivery, deferred_to)
            return AttemptResult(False, reason="circuit_open")
    outcome = _send(delivery, endpoint, now)
    if outcome.succeeded:
        _record_success(delivery, endpoint, outcome, now, manual=manual)
    else:
        _record_failure(delivery, outcome, now, manual=manual)
    return AttemptResult(True, outcome=outcome)


_DELIVERY_FIELDS = ("id", "endpoint_id", "event_id", "status", "payload", "created")
_ENDPOINT_FIELDS = (
    "id",
    "url",
    "livemode",
    "status",
    "deleted_at",
    "secret_ciphertext",
    "previous_secret_ciphertext",
    "previous_secret_expires_at",
    "consecutive_failures",
)
_LOAD = """
SELECT d.id, d.endpoint_id, d.event_id, d.status, d.payload, d.created,
       e.id, e.url, e.livemode, e.status, e.deleted_at, e.secret_ciphertext,
       e.previous_secret_ciphertext, e.previous_secret_expires_at, e.consecutive_failures
FROM notifications_webhookdelivery d
JOIN notifications_webhookendpoint e ON e.id = d.endpoint_id
WHERE d.id = %s
"""


def _load(delivery_id: str) -> WebhookDelivery | None:
    """The delivery and its endpoint, with only what an attempt needs, in one query without the
    ORM's query compilation (the hot path of every delivery)."""
    with connection.cursor() as cursor:
        cursor.execute(_LOAD, [delivery_id])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(_DELIVERY_FIELDS)
    delivery = WebhookDelivery(**dict(zip(_DELIVERY_FIELDS, row[:split], strict=True)))
    delivery.endpoint = WebhookEndpoint(**dict(zip(_ENDPOINT_FIELDS, row[split:], strict=True)))
    return delivery


def _send(delivery: WebhookDelivery, endpoint: WebhookEndpoint, now: datetime) -> Outcome:
    try:
        target = resolve_target(endpoint.url, livemode=endpoint.livemode)
    except UnsafeUrl as exc:
        return Outcome(
            status_code=None, latency_ms=0, error_type="UnsafeUrl", error_message=str(exc)
        )
    body = delivery.payload.encode()
    headers = {
        SIGNATURE_HEADER: sign(signing_secrets(endpoint, now=now), int(now.timestamp()), body),
        EVENT_ID_HEADER: delivery.event_id,
    }
    return webhook_http.post(target, body, headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)


# One statement, so one round trip (the hot path of every delivery): the attempt, the delivery
# marked succeeded, and the endpoint's failure streak cleared (closing its circuit).
_RECORD_SUCCESS = """
WITH attempt AS (
    INSERT INTO notifications_webhookattempt (
        delivery_id, attempted_at, succeeded, status_code, latency_ms, response_body,
        error_type, error_message, manual
    ) VALUES (%(delivery)s, %(now)s, true, %(status)s, %(latency)s, %(body)s, '', '', %(manual)s)
), endpoint AS (
    UPDATE notifications_webhookendpoint
    SET consecutive_failures = 0, circuit_probe_at = NULL
    WHERE id = %(endpoint)s AND (consecutive_failures > 0 OR circuit_probe_at IS NOT NULL)
)
UPDATE notifications_webhookdelivery
SET status = 'succeeded', attempt_count = attempt_count + 1, next_attempt_at = NULL,
    completed_at = COALESCE(CASE WHEN status = 'succeeded' THEN completed_at END, %(now)s)
WHERE id = %(delivery)s
"""


def _record_success(
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    outcome: Outcome,
    now: datetime,
    *,
    manual: bool,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            _RECORD_SUCCESS,
            {
                "delivery": delivery.id,
                "endpoint": endpoint.id,
                "now": now,
                "status": outcome.status_code,
                "latency": outcome.latency_ms,
                "body": outcome.response_body.replace("\x00", ""),
                "manual": manual,
            },
        )


def _record_failure(
    delivery: WebhookDelivery, outcome: Outcome, now: datetime, *, manual: bool
) -> None:
    """Write the failed attempt, extend the endpoint's failure streak (opening its circuit at the
    threshold), and schedule the next attempt, or give up when the window has closed. A
    manual attempt does not change the schedule of a pending delivery."""
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery_id=delivery.id,
            attempted_at=now,
            succeeded=False,
            status_code=outcome.status_code,
            latency_ms=outcome.latency_ms,
            response_body=outcome.response_body.replace("\x00", ""),
            error_type=outcome.error_type,
            error_message=outcome.error_message.replace("\x00", ""),
            manual=manual,
        )
        _count_endpoint_failure(delivery.endpoint_id, now)
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.id)
        locked.attempt_count += 1
        if locked.status == DeliveryStatus.PENDING and not manual:
            deadline = retry_deadline(locked)
            if now >= deadline:
                locked.save(update_fields=["attempt_count"])
                _give_up(locked, now)
                return
            locked.next_attempt_at = min(now + retry_delay(locked.attempt_count), deadline)
        locked.save(update_fields=["attempt_count", "next_attempt_at"])


def _count_endpoint_failure(endpoint_id: str, now: datetime) -> None:
    threshold = settings.WEBHOOK_CIRCUIT_FAILURE_THRESHOLD
    probe_at = now + timedelta(seconds=settings.WEBHOOK_CIRCUIT_PROBE_SECONDS)
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    # Reaching the threshold opens the circuit: the next probe is due after the interval.
    WebhookEndpoint.objects.filter(
        pk=endpoint_id, consecutive_failures__gte=threshold, circuit_probe_at__isnull=True
    ).update(circuit_probe_at=probe_at)


def _circuit_gate(endpoint: WebhookEndpoint, now: datetime) -> datetime | None:
    """None when this delivery may be attempted (circuit closed, or this is the probe);
    otherwise when to try again."""
    threshold = settings.WEBHOOK_CIRCUIT_FAILURE_THRESHOLD
    if endpoint.consecutive_failures < threshold:
        return None
    next_probe = now + timedelta(seconds=settings.WEBHOOK_CIRCUIT_PROBE_SECONDS)
    claimed = (
        WebhookEndpoint.objects.filter(pk=endpoint.pk, consecutive_failures__gte=threshold)
        .filter(Q(circuit_probe_at__isnull=True) | Q(circuit_probe_at__lte=now))
        .update(circuit_probe_at=next_probe)
    )
    if claimed:
        return None
    current = WebhookEndpoint.objects.filter(pk=endpoint.pk).values_list(
        "consecutive_failures", "circuit_probe_at"
    )
    failures, probe_at = current.get()
    if failures < threshold:
        return None  # closed meanwhile
    jitter = random.uniform(0, settings.WEBHOOK_CIRCUIT_PROBE_SECONDS * JITTER)  # noqa: S311
    spread = timedelta(seconds=jitter)
    return (probe_at or next_probe) + spread


def _defer(delivery: WebhookDelivery, until: datetime) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        next_attempt_at=until
    )


def _finish(delivery: WebhookDelivery, status: str, now: datetime) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        status=status, next_attempt_at=None, completed_at=now
    )


def _give_up(delivery: WebhookDelivery, now: datetime) -> None:
    """The window closed without a 2xx: fail the delivery and disable its endpoint, unless the
    endpoint answered 2xx to some delivery since this one was created (it is up, this event
    was the problem). Disabling emits `webhook_endpoint.disabled` (the notifications subscriber
    then emails the merchant's admins) and is audited as a system action."""
    with transaction.atomic():
        finished = WebhookDelivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING
        ).update(status=DeliveryStatus.FAILED, next_attempt_at=None, completed_at=now)
        if not finished:
            return
        recovered = WebhookDelivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            status=DeliveryStatus.SUCCEEDED,
            completed_at__gte=delivery.created,
        ).exists()
        if recovered:
            return
        endpoint = (
            WebhookEndpoint.objects.select_for_update()
            .filter(pk=delivery.endpoint_id, status=EndpointStatus.ENABLED)
            .first()
        )
        if endpoint is None:
            return
        endpoint.status = EndpointStatus.DISABLED
        endpoint.disabled_at = now
        endpoint.save(update_fields=["status", "disabled_at"])
        emit("webhook_endpoint.disabled", endpoint)
        audit_record(
            context=None,
            action="webhook_endpoint.disabled",
            object_type="webhook_endpoint",
            object_id=endpoint.id,
            after={"reason": "retry_window_exhausted", "delivery": delivery.id},
            merchant_id=endpoint.merchant_id,
        )
    logger.warning(
        "webhook endpoint %s disabled after delivery %s failed for %s s",
        delivery.endpoint_id,
        delivery.id,
        settings.WEBHOOK_RETRY_WINDOW_SECONDS,
    )


def _due_now(delivery_ids: list[str]) -> None:
    """Deliveries whose task could not be queued (broker down): due at once, so the next
    `deliveries_dispatch_due` sweep (seconds) queues them, not the lease's end (minutes)."""
    WebhookDelivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING).update(
        next_attempt_at=timezone.now()
    )


def deliveries_dispatch_due(*, limit: int = 500) -> int:
    """Queue every pending delivery whose `next_attempt_at` has come (due retries, deferred
    deliveries, queued attempts whose task was lost), up to `limit`, leasing each so the next
    sweep does not queue it again. Owns its transaction; returns how many were queued."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=_lease(now))
            queue_deliveries(ids, on_failure=_due_now)
    return len(ids)


def webhook_delivery_retry(*, context: AuthContext, delivery_id: str) -> WebhookDelivery:
    """Resend now: one attempt, synchronously, whatever the delivery's status (a failed one that
    gets a 2xx becomes succeeded). Refused (409) while the endpoint is disabled."""
    delivery = webhook_delivery_get(context=context, delivery_id=delivery_id)
    endpoint = delivery.endpoint
    if endpoint.status != EndpointStatus.ENABLED:
        raise WebhookEndpointDisabled()
    delivery_attempt(delivery_id=delivery.id, manual=True)
    return webhook_delivery_get(context=context, delivery_id=delivery_id)
