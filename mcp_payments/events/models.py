from django.db import models

from mcp_payments.api.fields import PrefixedIdField


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
    created = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

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
