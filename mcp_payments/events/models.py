from django.db import models
from django.db.models import Func, Q, Value
from django.db.models.functions import Now

from mcp_payments.api.fields import PrefixedIdField

# Fills Event.sequence (migration 0002 creates it).
SEQUENCE_NAME = "events_event_sequence_seq"


class Event(models.Model):
    """The outbox: one row per state change, written in the change's transaction (API.md §4)."""

    id = PrefixedIdField("evt")
    type = models.CharField(max_length=64)
    merchant = models.ForeignKey(
        "accounts.Merchant", on_delete=models.PROTECT, null=True, related_name="+"
    )
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)
    data = models.JSONField()
    request_id = models.CharField(max_length=64, blank=True, default="")
    # W3C trace context of the span that emitted the event ("" with tracing off): the relay and
    # consumers continue the trace from it (mcp_payments/tracing.py).
    traceparent = models.CharField(max_length=64, blank=True, default="", db_default="")
    created = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    # Monotonic per object: writers of one object serialize on its row lock, and each takes the
    # next value of one database sequence. Receivers drop an update older than one they have.
    sequence = models.BigIntegerField(
        editable=False, db_default=Func(Value(SEQUENCE_NAME), function="nextval")
    )

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "-id"], name="event_merchant_newest"),
            models.Index(fields=["object_id"], name="event_object"),
            models.Index(
                fields=["id"], name="event_unpublished", condition=models.Q(published_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.object_id} ({self.id})"


class ProcessedEvent(models.Model):
    """One subscriber's effect of one event, written in the same transaction as the effect: a
    redelivered event finds its row and is skipped (exactly-once effect)."""

    subscriber = models.CharField(max_length=128)
    event_id = models.CharField(max_length=64)
    processed_at = models.DateTimeField(db_default=Func(function="clock_timestamp"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "event_id"], name="processed_event_unique"
            )
        ]
        indexes = [models.Index(fields=["processed_at"], name="processed_event_age")]

    def __str__(self) -> str:
        return f"{self.subscriber} {self.event_id}"


class DeadLetter(models.Model):
    """A message a subscriber queue gave up on after its retries. The table is the source of truth
    for listing and replay; the broker's `<queue>.dlq` holds a copy (docs/events.md)."""

    id = PrefixedIdField("dl")
    queue = models.CharField(max_length=64)
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=64)
    subscriber = models.CharField(max_length=128)
    error = models.TextField()
    attempts = models.PositiveIntegerField()
    payload = models.JSONField()
    created = models.DateTimeField(db_default=Now())
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "event_id"],
                condition=Q(replayed_at=None),
                name="dead_letter_pending_unique",
            )
        ]
        indexes = [models.Index(fields=["queue", "-id"], name="dead_letter_queue_newest")]

    def __str__(self) -> str:
        return f"{self.queue} {self.event_type} {self.event_id} ({self.id})"

    @property
    def status(self) -> str:
        return "pending" if self.replayed_at is None else "replayed"
