"""Analytics jobs (queue `analytics`)."""

import logging
from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from .selectors import counters_drift
from .subscribers import LIVE_COUNTERS

logger = logging.getLogger(__name__)


@shared_task(name="analytics.tasks.verify_live_counters")
def verify_live_counters(day: str | None = None) -> list[dict]:
    """Check a day's live counters (default: yesterday, UTC) against the events the counters
    subscriber processed; log and return the differences."""
    checked = date.fromisoformat(day) if day else timezone.now().date() - timedelta(days=1)
    drift = counters_drift(day=checked, subscriber=LIVE_COUNTERS)
    if drift:
        logger.error("live counters drift on %s", checked, extra={"drift": drift})
    return drift
