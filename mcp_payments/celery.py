"""The Celery application: RabbitMQ broker, JSON only, per-domain queues (settings.CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcp_payments.settings.base")

app = Celery("mcp_payments")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
