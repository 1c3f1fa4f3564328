from django.contrib import admin
from django.utils.html import format_html

from mcp_payments.backoffice.admin_kit import ReadOnlyAdmin, ReadOnlyInline

from .models import DailyCounter, DriftReport, Report, ReportRun
from .reconciliation import rollups_reconcile
from .reports.services import download_url


@admin.register(DailyCounter)
class DailyCounterAdmin(ReadOnlyAdmin):
    list_display = ("merchant_id", "day", "metric", "currency", "value")
    list_filter = ("metric", "day")
    search_fields = ("=merchant_id",)
    ordering = ("-day", "merchant_id", "metric")


class ReportRunInline(ReadOnlyInline):
    model = ReportRun
    fields = ("id", "status", "row_count", "scheduled", "created", "finished_at", "expires_at")
    ordering = ("-id",)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "merchant_id", "created", "next_run_at", "deleted_at")
    search_fields = ("=id", "=merchant_id", "name")
    readonly_fields = (
        "id",
        "merchant_id",
        "name",
        "definition",
        "schedule",
        "next_run_at",
        "created",
        "deleted_at",
    )
    inlines = [ReportRunInline]
    ordering = ("-id",)


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = ("id", "report", "merchant_id", "status", "row_count", "scheduled", "created")
    list_filter = ("status", "scheduled")
    search_fields = ("=id", "=merchant_id", "=report__id")
    readonly_fields = (
        "id",
        "report",
        "merchant_id",
        "status",
        "scheduled",
        "row_count",
        "error",
        "created",
        "finished_at",
        "expires_at",
        "download",
    )
    exclude = ("rows", "csv")
    ordering = ("-id",)

    @admin.display(description="Signed download link (7 days)")
    def download(self, run: ReportRun) -> str:
        if run.status != "succeeded":
            return "-"
        return format_html('<a href="{}">{}.csv</a>', download_url(run), run.id)


@admin.register(DriftReport)
class DriftReportAdmin(ReadOnlyAdmin):
    """Nightly reconciliation of the rollups against the source tables (0 = exact)."""

    list_display = ("id", "created", "start", "end", "drift_count")
    list_filter = ("created",)
    readonly_fields = ("id", "created", "start", "end", "drift_count", "drift")
    ordering = ("-id",)
    actions = ["reconcile_now"]

    @admin.action(description="Reconcile the last 3 closed days now")
    def reconcile_now(self, request, queryset) -> None:
        report = rollups_reconcile(days=3)
        self.message_user(request, f"Drift report {report.id}: {report.drift_count} differences.")
