"""Scheduled audit-log jobs (queue `compliance`)."""

import logging
from dataclasses import asdict
from typing import Any

from celery import shared_task

from .alerts import alert_open
from .services.audit import audit_seal, audit_seal_and_verify

logger = logging.getLogger(__name__)


@shared_task(name="compliance.tasks.seal_audit_log")
def seal_audit_log() -> int:
    return audit_seal()


@shared_task(name="compliance.tasks.verify_audit_log")
def verify_audit_log() -> dict[str, Any]:
    result = asdict(audit_seal_and_verify())
    if not result["ok"]:
        logger.error("audit chain broken", extra={"audit_verification": result})
        alert_open(
            kind="audit_chain_broken",
            severity="critical",
            dedupe_key=f"audit_chain_broken:{result['first_broken_id']}",
            object_id=result["first_broken_id"] or "",
            details=result,
        )
    return result


@shared_task(name="compliance.tasks.generate_compliance_report", acks_late=True)
def generate_compliance_report(report_id: str) -> str:
    """Generate one requested compliance report; returns its status."""
    from .reports.services import compliance_report_generate

    return compliance_report_generate(report_id=report_id).status


@shared_task(name="compliance.tasks.generate_scheduled_reports")
def generate_scheduled_reports() -> int:
    """Beat (daily): request yesterday's platform-wide compliance reports."""
    from .reports.services import compliance_reports_schedule_daily

    return len(compliance_reports_schedule_daily())
