"""Requesting, generating and downloading compliance reports. Generation runs on the Celery
`compliance` queue; the request, each generation and each download are audited."""

import csv
import io
import json
import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext, system_context
from mcp_payments.accounts.models import Merchant
from mcp_payments.api.errors import InvalidRequest, NotFound

from ..audit import audit_record
from .generators import GENERATORS
from .models import ComplianceReport, ComplianceReportKind, ComplianceReportStatus

logger = logging.getLogger(__name__)

MAX_PERIOD = timedelta(days=366)
SCHEDULED_KINDS = ("large_transactions", "suspicious_activity", "audit_export")


class ComplianceReportNotFound(NotFound):
    pass


class ComplianceReportKindUnavailable(InvalidRequest):
    code = "report_kind_unavailable"


def _scoped(context: AuthContext) -> QuerySet[ComplianceReport]:
    reports = ComplianceReport.objects.all()
    if context.merchant is not None:
        return reports.filter(merchant_id=context.merchant.id)
    return reports if context.is_platform_staff else reports.none()


def compliance_report_list(*, context: AuthContext, kind: str | None = None) -> QuerySet:
    """The caller's reports (all for platform staff acting platform-wide), newest first."""
    reports = _scoped(context)
    if kind:
        reports = reports.filter(kind=kind)
    return reports.order_by("-id")


def compliance_report_get(*, context: AuthContext, report_id: str) -> ComplianceReport:
    """One of the caller's reports or 404 (param id)."""
    report = _scoped(context).filter(pk=report_id).first()
    if report is None:
        raise ComplianceReportNotFound(f"No such compliance report: '{report_id}'", param="id")
    return report


def _period(start: Any, end: Any) -> tuple[datetime, datetime]:
    try:
        begin, stop = date.fromisoformat(str(start)), date.fromisoformat(str(end))
    except ValueError as exc:
        raise InvalidRequest(
            "period_start and period_end are YYYY-MM-DD (UTC days).", param="period_start"
        ) from exc
    if begin >= stop:
        raise InvalidRequest("period_start must be before period_end.", param="period_start")
    if stop - begin > MAX_PERIOD:
        raise InvalidRequest("A report covers at most 366 days.", param="period_end")
    return datetime.combine(begin, time.min, UTC), datetime.combine(stop, time.min, UTC)


def compliance_report_request(
    *, context: AuthContext, kind: str, period_start: Any, period_end: Any, scheduled: bool = False
) -> ComplianceReport:
    """Record a `pending` report and queue its generation on `compliance` (after commit);
    audited. Raises InvalidRequest (param kind/period_*); `data_retention` is refused until the
    retention job exists."""
    if kind == ComplianceReportKind.DATA_RETENTION:
        raise ComplianceReportKindUnavailable(
            "data_retention reports arrive with the retention job.", param="kind"
        )
    if kind not in GENERATORS:
        raise InvalidRequest(f"Unknown report kind; one of {', '.join(GENERATORS)}.", param="kind")
    start, end = _period(period_start, period_end)
    with transaction.atomic():
        report = ComplianceReport.objects.create(
            merchant_id=context.merchant.id if context.merchant is not None else None,
            kind=kind,
            period_start=start,
            period_end=end,
            requested_by=context.actor_id,
            scheduled=scheduled,
        )
        audit_record(
            context=context,
            action="compliance_report.requested",
            object_type="compliance_report",
            object_id=report.id,
            merchant_id=report.merchant_id,
            after={"kind": kind, "period_start": start.isoformat(), "period_end": end.isoformat()},
        )
        transaction.on_commit(lambda: _queue(report.id))
    return report


def _queue(report_id: str) -> None:
    from compliance.tasks import generate_compliance_report

    generate_compliance_report.delay(report_id)


def compliance_report_generate(*, report_id: str) -> ComplianceReport:
    """Generate a pending report (CSV and JSON) and audit the generation in the same
    transaction; a report already generated is returned unchanged."""
    report = ComplianceReport.objects.get(pk=report_id)
    if report.status != ComplianceReportStatus.PENDING:
        return report
    merchant = (
        Merchant.objects.filter(pk=report.merchant_id).first() if report.merchant_id else None
    )
    context = system_context(merchant)
    columns, rows, extra = GENERATORS[report.kind](context, report.period_start, report.period_end)
    with transaction.atomic():
        report = ComplianceReport.objects.select_for_update().get(pk=report_id)
        if report.status != ComplianceReportStatus.PENDING:
            return report
        report.status = ComplianceReportStatus.SUCCEEDED
        report.row_count = len(rows)
        report.result = {"columns": columns, "rows": rows, **extra}
        report.csv = _csv(columns, rows)
        report.verification = extra.get("verification")
        report.parameters = {key: value for key, value in extra.items() if key != "verification"}
        report.finished_at = timezone.now()
        report.save()
        audit_record(
            context=context,
            action="compliance_report.generated",
            object_type="compliance_report",
            object_id=report.id,
            merchant_id=report.merchant_id,
            after={
                "kind": report.kind,
                "row_count": report.row_count,
                "chain_ok": (report.verification or {}).get("ok"),
            },
        )
    return report


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in columns])
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, cls=DjangoJSONEncoder)
    return value


def compliance_report_download(
    *, context: AuthContext, report_id: str, format: str = "csv"
) -> tuple[str, str]:
    """(body, content type) of a generated report as CSV or JSON; audited. 400 (param id)
    while pending, (param format) for another format."""
    if format not in ("csv", "json"):
        raise InvalidRequest("format is csv or json.", param="format")
    report = compliance_report_get(context=context, report_id=report_id)
    if report.status != ComplianceReportStatus.SUCCEEDED:
        raise InvalidRequest("This report is not generated yet.", param="id")
    with transaction.atomic():
        audit_record(
            context=context,
            action="compliance_report.downloaded",
            object_type="compliance_report",
            object_id=report.id,
            merchant_id=report.merchant_id,
            after={"format": format},
        )
    if format == "json":
        body = {
            "id": report.id,
            "kind": report.kind,
            "period_start": report.period_start.isoformat(),
            "period_end": report.period_end.isoformat(),
            "verification": report.verification,
            **(report.result or {}),
        }
        return json.dumps(body, cls=DjangoJSONEncoder), "application/json"
    return report.csv or "", "text/csv; charset=utf-8"


def compliance_reports_schedule_daily(*, day: date | None = None) -> list[ComplianceReport]:
    """Beat: request yesterday's platform-wide reports of each scheduled kind (once per day:
    a kind already requested for that day is skipped)."""
    day = day or (timezone.now().astimezone(UTC).date() - timedelta(days=1))
    start = datetime.combine(day, time.min, UTC)
    created = []
    for kind in SCHEDULED_KINDS:
        exists = ComplianceReport.objects.filter(
            kind=kind, merchant_id=None, period_start=start, scheduled=True
        ).exists()
        if not exists:
            created.append(
                compliance_report_request(
                    context=system_context(),
                    kind=kind,
                    period_start=day.isoformat(),
                    period_end=(day + timedelta(days=1)).isoformat(),
                    scheduled=True,
                )
            )
    return created
