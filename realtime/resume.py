"""Resume: the events of a stream that a socket missed, read back from the outbox (`Event`).

`{"type": "resume", "after": "evt_…"}` (or `?after=evt_…` on connect) replays the stream's events
of the socket's merchant that come after that event, in creation order (the event `sequence`),
from at most `REALTIME_RESUME_WINDOW_HOURS` back, in pages. The consumer buffers the live events
that arrive meanwhile and drops those already sent (by id), so the client sees no gap and no
duplicate. Synchronous (ORM): the consumer calls these through `database_sync_to_async`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from mcp_payments.api.ids import has_prefix, lowest_id_at
from mcp_payments.events.api.serializers import EventSerializer
from mcp_payments.events.models import Event

from .auth import Subscription
from .groups import PER_USER_TYPES, STREAM_PATTERNS, Entry, event_frame, event_user

PAGE_SIZE = 500
# Ids are minted (in Python) just before the insert that takes the sequence: an event later in
# sequence than the anchor has an id at most this much older than the anchor's (clock skew).
ID_SLACK = timedelta(minutes=1)


class ResumeError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def as_message(self) -> dict[str, str]:
        return {"type": "error", "code": self.code, "message": self.message}


@dataclass(frozen=True)
class Anchor:
    """Where a replay starts: after this event."""

    event_id: str
    sequence: int
    created: datetime


def _type_filter(stream: str) -> Q:
    """The stream's routing patterns as a filter on `type` (`word.*` or exact types)."""
    query = Q()
    for pattern in STREAM_PATTERNS[stream]:
        if pattern.endswith(".*") and "*" not in pattern[:-2] and "#" not in pattern:
            query |= Q(type__startswith=pattern[:-1])
        elif "*" not in pattern and "#" not in pattern:
            query |= Q(type=pattern)
        else:
            raise ValueError(f"Unsupported stream pattern {pattern!r}")
    return query


def _visible(subscription: Subscription) -> QuerySet[Event]:
    events = Event.objects.filter(_type_filter(subscription.stream))
    if subscription.merchant_id is not None:
        events = events.filter(merchant_id=subscription.merchant_id)
    # Per-user events only reach their own user.
    per_user = Q(type__in=sorted(PER_USER_TYPES))
    if subscription.user_id is None:
        return events.exclude(per_user)
    return events.filter(~per_user | Q(data__object__user=subscription.user_id))


def _window_start(now: datetime) -> datetime:
    return now - timedelta(hours=settings.REALTIME_RESUME_WINDOW_HOURS)


def resume_anchor(*, subscription: Subscription, after: object) -> Anchor:
    """The event to resume after; ResumeError when it is not this socket's or too old."""
    if not has_prefix(after, "evt"):
        raise ResumeError("invalid_resume", "`after` must be an event id (evt_…).")
    found = (
        Event.objects.filter(pk=after)
        .filter(Q(merchant_id=subscription.merchant_id) if subscription.merchant_id else Q())
        .values_list("sequence", "created")
        .first()
    )
    if found is None:
        raise ResumeError("resume_unknown_event", f"No such event: '{after}'.")
    sequence, created = found
    if created < _window_start(timezone.now()):
        raise ResumeError(
            "resume_window_exceeded",
            f"Events older than {settings.REALTIME_RESUME_WINDOW_HOURS} h cannot be replayed; "
            "reload through the REST API.",
        )
    return Anchor(event_id=str(after), sequence=sequence, created=created)


def _after(subscription: Subscription, anchor: Anchor, after_sequence: int) -> QuerySet[Event]:
    floor_ms = int((anchor.created - ID_SLACK).timestamp() * 1000)
    return _visible(subscription).filter(
        sequence__gt=after_sequence,
        id__gte=lowest_id_at("evt", floor_ms),
        created__gte=_window_start(timezone.now()),
    )


def replay_check(*, subscription: Subscription, anchor: Anchor) -> None:
    """ResumeError when more than REALTIME_RESUME_MAX_EVENTS events would be replayed."""
    limit = settings.REALTIME_RESUME_MAX_EVENTS
    waiting = _after(subscription, anchor, anchor.sequence).values("pk")[: limit + 1].count()
    if waiting > limit:
        raise ResumeError(
            "resume_too_far_behind",
            f"More than {limit} events were missed; reload through the REST API.",
        )


def replay_page(
    *, subscription: Subscription, anchor: Anchor, after_sequence: int, limit: int = PAGE_SIZE
) -> tuple[list[Entry], int]:
    """Up to `limit` events after `after_sequence`, oldest first, as entries; and the sequence
    to continue after (unchanged when the page is empty)."""
    events = list(_after(subscription, anchor, after_sequence).order_by("sequence")[:limit])
    entries = [_entry(event) for event in events]
    return entries, (events[-1].sequence if events else after_sequence)


def _entry(event: Event) -> Entry:
    payload = dict(EventSerializer(event).data)
    return Entry(
        id=event.pk, merchant=event.merchant_id, user=event_user(payload), text=event_frame(payload)
    )
