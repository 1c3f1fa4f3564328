"""Streams, the event types each carries, and the Channels groups an event is sent to.

A socket of stream `s` joins `rt.<s>.<merchant id>` (its merchant's events), or `rt.<s>.all` when
platform staff subscribe to every merchant. An event goes to the group of its merchant and to the
`all` group; an event without a merchant (a system alert) only to `all`.

Group messages (the broadcast subscriber builds them, one per group per consumer batch; a server
process receives each once and fans it out to its sockets, realtime.hub):

- event streams: `{"type": "rt.events", "group": …, "events": [entry, ...]}`, an entry being
  `{"id", "merchant", "user", "text"}` where `text` is the client frame
  `{"type": "event", "event": <API.md §4 event>}` already serialized (encoded once, not once per
  socket) and `user` is set for per-user events (`notification.created`);
- the dashboard: `{"type": "rt.metrics", "group": …, "events": [<event>, ...]}`.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mcp_payments.events.subscribers import topic_matches

ALL = "all"
PAYMENTS = "payments"
ALERTS = "alerts"
COMPLIANCE = "compliance"
DASHBOARD = "dashboard"

# Routing patterns (AMQP topic syntax) of the events each stream carries.
STREAM_PATTERNS: dict[str, tuple[str, ...]] = {
    PAYMENTS: ("payment.*", "refund.*", "dispute.*", "subscription.*", "invoice.*"),
    ALERTS: (
        "risk.review_opened",
        "risk.review_closed",
        "compliance.alert_opened",
        "compliance.alert_resolved",
        "system.alert",
        "webhook_endpoint.disabled",
        "agent.approval_requested",
        "agent.approval_decided",
        "notification.created",
    ),
    COMPLIANCE: ("compliance.*", "risk.*", "audit.*"),
    # The events that move the dashboard's figures (realtime.snapshot.increments).
    DASHBOARD: (
        "payment.succeeded",
        "payment.failed",
        "refund.succeeded",
        "dispute.created",
        # Also the events that move the analytics summary (analytics.rollups).
        "payment.amount_capturable_updated",
        "payment.canceled",
        "dispute.closed",
        "customer.created",
        "risk.review_opened",
    ),
}
EVENT_STREAMS: tuple[str, ...] = (PAYMENTS, ALERTS, COMPLIANCE)
STREAMS: tuple[str, ...] = (*EVENT_STREAMS, DASHBOARD)
# Events addressed to one dashboard user: only that user's sockets receive them.
PER_USER_TYPES = frozenset({"notification.created"})

EVENTS_MESSAGE = "rt.events"
METRICS_MESSAGE = "rt.metrics"


def group_name(stream: str, merchant_id: str | None) -> str:
    """`rt.<stream>.<merchant id>`, or `rt.<stream>.all` for every merchant (None)."""
    return f"rt.{stream}.{merchant_id or ALL}"


def stream_matches(stream: str, event_type: str) -> bool:
    return any(topic_matches(pattern, event_type) for pattern in STREAM_PATTERNS[stream])


def all_patterns() -> tuple[str, ...]:
    """The union of the streams' patterns, less exact types another pattern covers: the
    realtime queue's bindings."""
    patterns = {pattern for patterns in STREAM_PATTERNS.values() for pattern in patterns}
    covered = {
        exact
        for exact in patterns
        if "*" not in exact
        and "#" not in exact
        and any(other != exact and topic_matches(other, exact) for other in patterns)
    }
    return tuple(sorted(patterns - covered))


def event_user(event: dict[str, Any]) -> int | None:
    """The dashboard user a per-user event is addressed to (None for everyone's events)."""
    if event["type"] not in PER_USER_TYPES:
        return None
    return event["data"]["object"].get("user")


def event_frame(event: dict[str, Any]) -> str:
    """The client message of one event, serialized."""
    return json.dumps({"type": "event", "event": event}, separators=(",", ":"))


@dataclass(frozen=True)
class Entry:
    """One event as a socket of an event stream receives it."""

    id: str
    merchant: str | None
    user: int | None
    text: str

    def as_message(self) -> dict[str, Any]:
        return {"id": self.id, "merchant": self.merchant, "user": self.user, "text": self.text}


def entry_for(event: dict[str, Any]) -> Entry:
    return Entry(
        id=event["id"],
        merchant=event.get("merchant"),
        user=event_user(event),
        text=event_frame(event),
    )


def _groups_of(stream: str, merchant_id: str | None) -> list[str]:
    groups = [group_name(stream, None)]
    if merchant_id:
        groups.insert(0, group_name(stream, merchant_id))
    return groups


def group_messages(events: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The channel-layer message of each group the `events` go to (events keep their order)."""
    entries: dict[str, list[dict[str, Any]]] = {}
    metrics: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        merchant_id = event.get("merchant")
        entry: dict[str, Any] | None = None
        for stream in EVENT_STREAMS:
            if not stream_matches(stream, event["type"]):
                continue
            entry = entry or entry_for(event).as_message()
            for group in _groups_of(stream, merchant_id):
                entries.setdefault(group, []).append(entry)
        if stream_matches(DASHBOARD, event["type"]):
            for group in _groups_of(DASHBOARD, merchant_id):
                metrics.setdefault(group, []).append(event)
    messages = {
        group: {"type": EVENTS_MESSAGE, "group": group, "events": got}
        for group, got in entries.items()
    }
    for group, got in metrics.items():
        messages[group] = {"type": METRICS_MESSAGE, "group": group, "events": got}
    return messages
