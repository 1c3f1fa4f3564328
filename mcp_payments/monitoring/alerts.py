"""System alerts: a crossed threshold becomes a SystemAlert row and a `system.alert` event."""

import time
from typing import Any

from django.conf import settings
from django.db import transaction

from mcp_payments.events.dead_letters import dead_letter_counts
from mcp_payments.events.services import emit
from mcp_payments.events.topology import broker_errors

from .models import SystemAlert
from .status import broker_queues, outbox_lag


def system_alert_raise(
    *, kind: str, severity: str, subject: str, message: str, details: dict[str, Any]
) -> SystemAlert | None:
    """Open an alert and emit `system.alert`, unless (kind, subject) already alerted in the
    current cooldown window (`MONITORING_ALERT_COOLDOWN_SECONDS`); then None. Owns the
    transaction."""
    window = int(time.time() // settings.MONITORING_ALERT_COOLDOWN_SECONDS)
    with transaction.atomic():
        alert, created = SystemAlert.objects.get_or_create(
            dedupe_key=f"{kind}:{subject}:{window}",
            defaults={
                "kind": kind,
                "severity": severity,
                "subject": subject,
                "message": message[:500],
                "details": details,
            },
        )
        if not created:
            return None
        emit("system.alert", alert)
    return alert


def thresholds_check() -> list[SystemAlert]:
    """Compare outbox lag, queue depths and dead letters with their thresholds; raise one alert
    per crossed threshold (at most once per cooldown window). Returns the alerts raised."""
    raised: list[SystemAlert | None] = []
    lag = outbox_lag()
    if (lag.oldest_age_seconds or 0) > settings.MONITORING_OUTBOX_LAG_ALERT_SECONDS:
        raised.append(
            system_alert_raise(
                kind="outbox_lag",
                severity="critical",
                subject="outbox",
                message=f"Oldest unpublished event is {lag.oldest_age_seconds:.0f} s old "
                f"({lag.unpublished} waiting): is the relay running and the broker reachable?",
                details={
                    "unpublished": lag.unpublished,
                    "oldest_age_seconds": lag.oldest_age_seconds,
                },
            )
        )
    for queue, pending in dead_letter_counts().items():
        if pending >= settings.MONITORING_DLQ_ALERT:
            raised.append(
                system_alert_raise(
                    kind="dead_letters",
                    severity="warning",
                    subject=queue,
                    message=f"{pending} dead letters pending on {queue}.",
                    details={"queue": queue, "pending": pending},
                )
            )
    try:
        queues = broker_queues()
    except broker_errors() as exc:
        raised.append(
            system_alert_raise(
                kind="broker_unreachable",
                severity="critical",
                subject="rabbitmq",
                message=f"The broker is unreachable: {type(exc).__name__}",
                details={"error": str(exc)[:200]},
            )
        )
        queues = {"events": {}, "celery": {}}
    depths = {**queues["events"], **queues["celery"]}
    for queue, counts in depths.items():
        if counts["messages"] >= settings.MONITORING_QUEUE_DEPTH_ALERT:
            raised.append(
                system_alert_raise(
                    kind="queue_depth",
                    severity="warning",
                    subject=queue,
                    message=f"{counts['messages']} messages waiting on {queue}.",
                    details={"queue": queue, **counts},
                )
            )
    return [alert for alert in raised if alert is not None]
