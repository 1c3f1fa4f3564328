"""Analytics jobs (queue `analytics`)."""

import logging
from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from mcp_payments.monitoring.alerts import system_alert_raise

from .reconciliation import rollups_reconcile
from .reports.schedules import reports_run_due
from .reports.services import report_run_execute
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


@shared_task(name="analytics.tasks.reconcile_rollups")
def reconcile_rollups(days: int = 3) -> int:
    """Nightly: recompute the last `days` closed days from the source tables; record a drift
    report and raise a system alert (`system.alert` event) when anything differs. Returns the
    number of differences."""
    report = rollups_reconcile(days=days)
    if report.drift_count:
        logger.error("analytics rollup drift", extra={"drift_count": report.drift_count})
        system_alert_raise(
            kind="analytics_drift",
            severity="high",
            subject=f"drift_report:{report.id}",
            message=f"Analytics rollups differ from the source tables in "
            f"{report.drift_count} places ({report.start:%Y-%m-%d}..{report.end:%Y-%m-%d}).",
            details={"drift_report": report.id, "drift": report.drift[:20]},
        )
    return report.drift_count


@shared_task(
    name="analytics.tasks.run_report",
    acks_late=True,
    soft_time_limit=150,
    time_limit=180,
)
def run_report(run_id: str) -> str:
    """Run a pending report run (statement timeout REPORT_ASYNC_TIMEOUT_MS); returns its
    final status."""
    return report_run_execute(run_id=run_id).status


@shared_task(name="analytics.tasks.run_due_reports")
def run_due_reports() -> int:
    """Beat: start the scheduled report runs that are due; returns how many started."""
    return len(reports_run_due())
