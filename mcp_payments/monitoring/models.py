from django.db import models
from django.db.models.functions import Now

from mcp_payments.api.fields import PrefixedIdField


class SystemAlert(models.Model):
    """A crossed operational threshold (queue depth, dead letters, outbox lag). Each one is emitted
    as a `system.alert` event, so it reaches subscribers like any other change."""

    id = PrefixedIdField("salert")
    kind = models.CharField(max_length=64)
    severity = models.CharField(max_length=16)
    subject = models.CharField(max_length=128, blank=True, default="")
    message = models.CharField(max_length=500)
    details = models.JSONField(default=dict)
    # One alert per kind, subject and cooldown window (see monitoring.alerts).
    dedupe_key = models.CharField(max_length=256, unique=True)
    created = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"{self.kind} {self.subject} ({self.id})"
