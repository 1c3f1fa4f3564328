"""The beat schedule is code (settings.CELERY_BEAT_SCHEDULE); django-celery-beat's
DatabaseScheduler copies it into its tables when beat starts, and so does `migrate` (below), so
the admin shows every job with its last run before beat ever ran. An admin edit of a code-defined
job lasts until the next migrate or beat start; jobs added in the admin stay."""

from typing import Any

from django.conf import settings
from django_celery_beat.schedulers import ModelEntry


def beat_schedule_sync() -> list[str]:
    """Create or update one PeriodicTask per CELERY_BEAT_SCHEDULE entry; return their names."""
    from mcp_payments.celery import app

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        ModelEntry.from_entry(name, app=app, **entry)
    return list(settings.CELERY_BEAT_SCHEDULE)


def on_post_migrate(**kwargs: Any) -> None:
    beat_schedule_sync()
