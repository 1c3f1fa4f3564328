"""Report schedules: validated, stored on the report with the next run time (UTC), and run by
the beat job `analytics.tasks.run_due_reports`."""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.api.errors import InvalidRequest
from mcp_payments.audit.records import audit_record

from ..models import Report, ReportRun
from .services import FREQUENCIES, _start, report_get

MAX_EMAILS = 10


def _int(value: Any, low: int, high: int, param: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidRequest(f"{param} must be an integer from {low} to {high}.", param=param)
    return value


def schedule_validate(schedule: Any) -> dict[str, Any]:
    """Normalize `{frequency, hour, day_of_week, day_of_month, timezone, delivery {emails,
    webhook}}`; raises InvalidRequest with the offending param."""
    if not isinstance(schedule, dict):
        raise InvalidRequest("The schedule must be an object.", param="schedule")
    frequency = schedule.get("frequency")
    if frequency not in FREQUENCIES:
        raise InvalidRequest("frequency is daily, weekly or monthly.", param="frequency")
    out: dict[str, Any] = {
        "frequency": frequency,
        "hour": _int(schedule.get("hour", 6), 0, 23, "hour"),
        "day_of_week": None,
        "day_of_month": None,
    }
    if frequency == "weekly":
        out["day_of_week"] = _int(schedule.get("day_of_week", 0), 0, 6, "day_of_week")
    if frequency == "monthly":
        out["day_of_month"] = _int(schedule.get("day_of_month", 1), 1, 28, "day_of_month")
    zone = schedule.get("timezone", "UTC")
    try:
        ZoneInfo(zone) if isinstance(zone, str) else None
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidRequest("Unknown timezone.", param="timezone") from exc
    if not isinstance(zone, str):
        raise InvalidRequest("Unknown timezone.", param="timezone")
    out["timezone"] = zone
    delivery = schedule.get("delivery") or {}
    emails = delivery.get("emails", []) if isinstance(delivery, dict) else None
    if not isinstance(emails, list) or len(emails) > MAX_EMAILS:
        raise InvalidRequest("delivery.emails is a list of up to 10 addresses.", param="delivery")
    for email in emails:
        try:
            validate_email(email)
        except (ValidationError, TypeError) as exc:
            raise InvalidRequest("Invalid email address.", param="delivery[emails]") from exc
    webhook = delivery.get("webhook", False)
    if not isinstance(webhook, bool):
        raise InvalidRequest("delivery.webhook is true or false.", param="delivery[webhook]")
    out["delivery"] = {"emails": sorted(set(emails)), "webhook": webhook}
    return out


def next_run_after(schedule: dict[str, Any], after: datetime) -> datetime:
    """The first scheduled local time strictly after `after` (UTC result)."""
    zone = ZoneInfo(schedule["timezone"])
    day = after.astimezone(zone).date()
    for offset in range(0, 63):
        candidate_day = day + timedelta(days=offset)
        if schedule["frequency"] == "weekly" and candidate_day.weekday() != schedule["day_of_week"]:
            continue
        if schedule["frequency"] == "monthly" and candidate_day.day != schedule["day_of_month"]:
            continue
        moment = datetime.combine(candidate_day, time(schedule["hour"]), tzinfo=zone)
        if moment > after:
            return moment.astimezone(ZoneInfo("UTC"))
    raise AssertionError("a schedule always fires within 62 days")


def report_schedule(*, context: AuthContext, report_id: str, schedule: Any) -> Report:
    """Set (or replace) a report's schedule; audited."""
    normalized = schedule_validate(schedule)
    with transaction.atomic():
        report = report_get(context=context, report_id=report_id)
        report.schedule = normalized
        report.next_run_at = next_run_after(normalized, timezone.now())
        report.save(update_fields=["schedule", "next_run_at"])
        audit_record(
            context=context,
            action="report.scheduled",
            object_type="report",
            object_id=report.id,
            merchant_id=report.merchant_id,
            after=normalized,
        )
    return report


def reports_run_due(*, now: datetime | None = None, limit: int = 50) -> list[ReportRun]:
    """Start the scheduled runs that are due: each report's next run time moves on first (so a
    crash never runs it twice for one slot), then the run starts like a manual one."""
    now = now or timezone.now()
    runs = []
    for _ in range(limit):
        with transaction.atomic():
            report = (
                Report.objects.select_for_update(skip_locked=True)
                .filter(next_run_at__lte=now, deleted_at=None)
                .order_by("next_run_at")
                .first()
            )
            if report is None:
                break
            report.next_run_at = next_run_after(report.schedule, now)
            report.save(update_fields=["next_run_at"])
        runs.append(_start(report, scheduled=True))
    return runs
