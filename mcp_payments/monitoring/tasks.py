"""Monitoring jobs (queue `monitoring`): thin wrappers over the monitoring services."""

from celery import shared_task

from .alerts import thresholds_check
from .workers import heartbeat_record


@shared_task(bind=True, name="mcp_payments.monitoring.tasks.heartbeat")
def heartbeat(self) -> str:
    """Proves beat schedules and a worker runs the monitoring queue; returns the worker."""
    heartbeat_record(hostname=self.request.hostname)
    return self.request.hostname


@shared_task(name="mcp_payments.monitoring.tasks.check_thresholds")
def check_thresholds() -> list[str]:
    """Raise a `system.alert` event for each crossed threshold; returns the alert ids."""
    return [alert.id for alert in thresholds_check()]
