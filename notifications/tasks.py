"""Notifications jobs, thin wrappers over the services; each channel has its own queue
(settings WEBHOOKS_QUEUE, EMAIL_QUEUE, SMS_QUEUE via CELERY_TASK_ROUTES)."""

import logging

from celery import shared_task
from django.conf import settings

from .services.deliveries import deliveries_dispatch_due, delivery_attempt
from .services.email import EmailFailed, EmailRetryable, email_send
from .sms import SmsFailed, SmsRetryable, get_provider

logger = logging.getLogger(__name__)

SWEEP_BATCHES = 10


@shared_task(name="notifications.tasks.deliver_webhook", ignore_result=True)
def deliver_webhook(delivery_id: str) -> None:
    """One attempt of a webhook delivery (its failures are scheduled by the service, never
    retried by Celery)."""
    delivery_attempt(delivery_id=delivery_id)


@shared_task(name="notifications.tasks.dispatch_due_deliveries", ignore_result=True)
def dispatch_due_deliveries() -> int:
    """Beat: queue the deliveries whose next attempt is due."""
    total = 0
    for _ in range(SWEEP_BATCHES):
        queued = deliveries_dispatch_due(limit=500)
        total += queued
        if queued < 500:
            break
    return total


@shared_task(
    name="notifications.tasks.send_email",
    ignore_result=True,
    autoretry_for=(EmailRetryable,),
    max_retries=settings.EMAIL_MAX_RETRIES,
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
)
def send_email(template: str, to: list[str], context: dict) -> None:
    """Send one templated email. A retryable SMTP failure (unreachable, timeout, 4xx) is retried
    at most EMAIL_MAX_RETRIES times with jittered exponential backoff (30 s .. 1 h); a final
    refusal (5xx) is logged and dropped."""
    try:
        email_send(template=template, to=to, context=context)
    except EmailFailed:
        logger.error("email %s refused by the SMTP server", template, exc_info=True)


@shared_task(bind=True, name="notifications.tasks.send_sms", ignore_result=True, max_retries=5)
def send_sms(self, to: str, text: str) -> None:
    try:
        get_provider().send(to, text)
    except SmsRetryable as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 3600)) from exc
    except SmsFailed:
        logger.error("sms refused by the provider (%s)", settings.SMS_PROVIDER, exc_info=True)
