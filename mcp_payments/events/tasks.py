"""Scheduled events jobs (queue `monitoring`): the relay's safety net and retention."""

import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import ProcessedEvent
from .publisher import ConfirmingPublisher
from .relay import relay_publish_batch
from .topology import broker_connection, declare_topology

SWEEP_TIME_BUDGET_SECONDS = 4.0


@shared_task(name="mcp_payments.events.tasks.sweep_outbox")
def sweep_outbox() -> int:
    """Publish what the relay left behind (crash, relay not running); bounded in time so a
    beat run never overlaps the next one. Returns how many events were published."""
    limit = settings.EVENTS_RELAY_BATCH_SIZE
    deadline = time.monotonic() + SWEEP_TIME_BUDGET_SECONDS
    total = 0
    with broker_connection() as broker:
        declare_topology(broker.default_channel)
        publisher = ConfirmingPublisher(broker)
        while time.monotonic() < deadline:
            published = relay_publish_batch(limit, publisher=publisher)
            total += published
            if published < limit:
                break
    return total


@shared_task(name="mcp_payments.events.tasks.purge_processed_events")
def purge_processed_events() -> int:
    """Forget processed-event records older than the retention (no redelivery is that late)."""
    cutoff = timezone.now() - timedelta(days=settings.EVENTS_PROCESSED_RETENTION_DAYS)
    deleted, _ = ProcessedEvent.objects.filter(processed_at__lt=cutoff).delete()
    return deleted
