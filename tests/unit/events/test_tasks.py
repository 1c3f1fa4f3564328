"""Retention of processed-event records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mcp_payments.events.models import ProcessedEvent
from mcp_payments.events.tasks import purge_processed_events

pytestmark = pytest.mark.django_db


def test_processed_records_older_than_the_retention_are_purged(settings):
    settings.EVENTS_PROCESSED_RETENTION_DAYS = 30
    old = ProcessedEvent.objects.create(subscriber="s", event_id="evt_old")
    ProcessedEvent.objects.filter(pk=old.pk).update(processed_at=timezone.now() - timedelta(31))
    ProcessedEvent.objects.create(subscriber="s", event_id="evt_new")

    assert purge_processed_events() == 1
    assert list(ProcessedEvent.objects.values_list("event_id", flat=True)) == ["evt_new"]
