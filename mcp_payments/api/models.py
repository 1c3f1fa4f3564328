from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to a (scope, Idempotency-Key) pair, replayed to retries (API.md §1)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress"
        COMPLETED = "completed"

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    locked_at = models.DateTimeField()
    created = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    # The first object the request changed (an event's object type and id), written in that
    # change's own transaction (`idempotency_effect`): a retry after a crash before the response
    # was stored is answered with that object, never executed again.
    effect_type = models.CharField(max_length=40, null=True, blank=True)
    effect_id = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
