"""Saved reports, runs, schedules and signed download links (ANALYTICS.md §2).

A run first tries synchronously: ≤ REPORT_SYNC_MAX_ROWS rows within REPORT_SYNC_TIMEOUT_MS
(statement_timeout) → `succeeded` at once. Otherwise it is `pending` and the `run_report` task on
the Celery `analytics` queue runs it with REPORT_ASYNC_TIMEOUT_MS. A finished run emits
`report_run.succeeded|failed` (webhook subscribers receive it); a scheduled run emails its
signed, expiring download link to the schedule's addresses.
"""

import logging
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, OperationalError, transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.api.errors import InvalidRequest, NotFound
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit

from ..models import Report, ReportRun, RunStatus
from ..selectors import merchant_id_of
from .definition import definition_validate
from .query import csv_columns, report_query_execute, rows_to_csv

logger = logging.getLogger(__name__)

SIGNING_SALT = "analytics.report_run.download"
FREQUENCIES = ("daily", "weekly", "monthly")


class ReportNotFound(NotFound):
    code = "resource_missing"


def report_create(*, context: AuthContext, definition: Any) -> Report:
    """Validate and save a definition (`rpt_`); audited. Raises InvalidRequest (param)."""
    merchant_id = merchant_id_of(context)
    normalized = definition_validate(definition)
    with transaction.atomic():
        report = Report.objects.create(
            merchant_id=merchant_id, name=normalized["name"], definition=normalized
        )
        audit_record(
            context=context,
            action="report.created",
            object_type="report",
            object_id=report.id,
            merchant_id=merchant_id,
            after={"source": normalized["source"]},
        )
    return report


def report_get(*, context: AuthContext, report_id: str) -> Report:
    """The merchant's live report or ReportNotFound (404, param id)."""
    report = Report.objects.filter(
        pk=report_id, merchant_id=merchant_id_of(context), deleted_at=None
    ).first()
    if report is None:
        raise ReportNotFound(f"No such report: '{report_id}'", param="id")
    return report


def report_list(*, context: AuthContext):
    """The merchant's saved reports, newest first (a queryset for the cursor paginator)."""
    return Report.objects.filter(merchant_id=merchant_id_of(context), deleted_at=None).order_by(
        "-id"
    )


def report_delete(*, context: AuthContext, report_id: str) -> Report:
    """Soft-delete a report (its runs stay downloadable until they expire); audited."""
    with transaction.atomic():
        report = report_get(context=context, report_id=report_id)
        report.deleted_at = timezone.now()
        report.next_run_at = None
        report.save(update_fields=["deleted_at", "next_run_at"])
        audit_record(
            context=context,
            action="report.deleted",
            object_type="report",
            object_id=report.id,
            merchant_id=report.merchant_id,
        )
    return report


def report_run_get(*, context: AuthContext, run_id: str) -> ReportRun:
    """The merchant's run or 404."""
    run = ReportRun.objects.filter(pk=run_id, merchant_id=merchant_id_of(context)).first()
    if run is None:
        raise ReportNotFound(f"No such report run: '{run_id}'", param="id")
    return run


def _today(definition: dict[str, Any]) -> date:
    return timezone.now().astimezone(ZoneInfo(definition["timezone"])).date()


PREVIEW_MAX_ROWS = 200


def report_preview(*, context: AuthContext, definition: Any) -> dict[str, Any]:
    """Run an unsaved definition for the builder's live preview: nothing is stored, audited
    or emitted. Returns `{object: "report_preview", columns: [CSV header], rows: [at most
    PREVIEW_MAX_ROWS rows, as a run's], truncated: bool}`. Raises InvalidRequest (param) for an
    invalid definition, or `preview_timeout` (400) when REPORT_SYNC_TIMEOUT_MS cancels it."""
    normalized = definition_validate(definition)
    try:
        rows = report_query_execute(
            normalized,
            merchant_id=merchant_id_of(context),
            today=_today(normalized),
            max_rows=PREVIEW_MAX_ROWS + 1,
            timeout_ms=settings.REPORT_SYNC_TIMEOUT_MS,
        )
    except OperationalError as exc:
        raise InvalidRequest(
            "The preview took too long; narrow the range or run the report.",
            param="date_range",
            code="preview_timeout",
        ) from exc
    return {
        "object": "report_preview",
        "columns": csv_columns(normalized),
        "rows": rows[:PREVIEW_MAX_ROWS],
        "truncated": len(rows) > PREVIEW_MAX_ROWS,
    }


def report_run(*, context: AuthContext, report_id: str, scheduled: bool = False) -> ReportRun:
    """Run a report: synchronously when it fits (≤ REPORT_SYNC_MAX_ROWS rows within
    REPORT_SYNC_TIMEOUT_MS), else `pending` and queued on `analytics` (after commit)."""
    report = report_get(context=context, report_id=report_id)
    return _start(report, scheduled=scheduled)


def _start(report: Report, *, scheduled: bool) -> ReportRun:
    with transaction.atomic():
        run = ReportRun.objects.create(
            report=report,
            merchant_id=report.merchant_id,
            status=RunStatus.RUNNING,
            scheduled=scheduled,
        )
    definition = report.definition
    limit = settings.REPORT_SYNC_MAX_ROWS
    try:
        rows = report_query_execute(
            definition,
            merchant_id=report.merchant_id,
            today=_today(definition),
            max_rows=limit + 1,
            timeout_ms=settings.REPORT_SYNC_TIMEOUT_MS,
        )
    except OperationalError:
        rows = None  # cancelled by statement_timeout: run it in the background
    if rows is not None and (len(rows) <= limit or definition["limit"] <= limit):
        return _finish(run.id, rows[: definition["limit"]])
    with transaction.atomic():
        ReportRun.objects.filter(pk=run.id).update(status=RunStatus.PENDING)
        transaction.on_commit(lambda: _queue(run.id))
    run.refresh_from_db()
    return run


def _queue(run_id: str) -> None:
    from analytics.tasks import run_report

    run_report.delay(run_id)


def report_run_execute(*, run_id: str) -> ReportRun:
    """Run a pending run with REPORT_ASYNC_TIMEOUT_MS (the `analytics` queue); a timeout or
    database error fails the run with its reason. A run already finished is returned as is."""
    run = ReportRun.objects.select_related("report").get(pk=run_id)
    if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
        return run
    definition = run.report.definition
    try:
        rows = report_query_execute(
            definition,
            merchant_id=run.merchant_id,
            today=_today(definition),
            max_rows=definition["limit"],
            timeout_ms=settings.REPORT_ASYNC_TIMEOUT_MS,
        )
    except DatabaseError as exc:
        logger.warning("report run %s failed", run_id, exc_info=True)
        return _fail(run_id, f"The report query failed: {type(exc).__name__}.")
    return _finish(run_id, rows)


def _finish(run_id: str, rows: list[dict[str, Any]]) -> ReportRun:
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().select_related("report").get(pk=run_id)
        now = timezone.now()
        run.status = RunStatus.SUCCEEDED
        run.row_count = len(rows)
        run.rows = rows
        run.csv = rows_to_csv(rows, csv_columns(run.report.definition))
        run.finished_at = now
        run.expires_at = now + timedelta(days=settings.REPORT_RESULT_DAYS)
        run.save(update_fields=["status", "row_count", "rows", "csv", "finished_at", "expires_at"])
        emit("report_run.succeeded", run, data=_event_data(run))
        if run.scheduled:
            _deliver(run)
    return run


def _fail(run_id: str, error: str) -> ReportRun:
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        run.status, run.error, run.finished_at = RunStatus.FAILED, error[:500], timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        emit("report_run.failed", run, data=_event_data(run))
    return run


def _event_data(run: ReportRun) -> dict[str, Any]:
    """The run as the API shows it, without the inline rows (events stay small)."""
    from ..representations import ReportRunSerializer

    return {**ReportRunSerializer(run).data, "rows": None}


def download_token(run: ReportRun) -> str:
    """A signed token naming the run (valid REPORT_RESULT_DAYS days from signing)."""
    return signing.TimestampSigner(salt=SIGNING_SALT).sign(run.id)


def download_url(run: ReportRun) -> str:
    """The signed, expiring download link sent in emails (no login needed)."""
    return (
        f"{settings.PUBLIC_BASE_URL}/api/v1/report_runs/{run.id}/download"
        f"?token={download_token(run)}"
    )


def report_run_by_token(*, run_id: str, token: str) -> ReportRun:
    """The run a signed link names; 404 for a bad, foreign or expired token (or run)."""
    try:
        signed_id = signing.TimestampSigner(salt=SIGNING_SALT).unsign(
            token, max_age=timedelta(days=settings.REPORT_RESULT_DAYS)
        )
    except signing.BadSignature as exc:
        raise ReportNotFound(
            "This download link is invalid or has expired.", param="token"
        ) from exc
    run = ReportRun.objects.filter(pk=run_id).first()
    if signed_id != run_id or run is None:
        raise ReportNotFound("This download link is invalid or has expired.", param="token")
    return run


def report_run_csv(run: ReportRun) -> str:
    """The CSV of a succeeded, unexpired run; 404 (param id) otherwise."""
    if run.status != RunStatus.SUCCEEDED or run.csv is None:
        raise InvalidRequest("This run has no result to download yet.", param="id")
    if run.expires_at is not None and run.expires_at <= timezone.now():
        raise ReportNotFound("This run's result has expired.", param="id")
    return run.csv


def _deliver(run: ReportRun) -> None:
    """Email the signed link to the schedule's addresses (after commit)."""
    from notifications.services.email import email_queue

    emails = ((run.report.schedule or {}).get("delivery") or {}).get("emails") or []
    if emails:
        email_queue(
            template="report_ready",
            to=emails,
            context={
                "report_name": run.report.name,
                "download_url": download_url(run),
                "run_id": run.id,
            },
        )
