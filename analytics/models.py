from django.db import models


class DailyCounter(models.Model):
    """A live counter per merchant, UTC day, currency and metric, incremented by the analytics
    subscriber (one upsert per event). `currency` is "" for counts without money."""

    merchant_id = models.CharField(max_length=64)
    day = models.DateField()
    currency = models.CharField(max_length=3, blank=True, default="")
    metric = models.CharField(max_length=64)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant_id", "day", "currency", "metric"], name="daily_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.day} {self.metric} {self.currency}: {self.value}"
