"""Back office for compliance reports: read-only, downloadable, with a generate action."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.scopes import ALL_SCOPES

from .models import ComplianceReport
from .services import compliance_report_download, compliance_reports_schedule_daily


@admin.register(ComplianceReport)
class ComplianceReportAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "merchant_id",
        "status",
        "period_start",
        "period_end",
        "row_count",
        "chain_ok",
        "created",
    )
    list_filter = ("kind", "status", "scheduled")
    search_fields = ("=id", "=merchant_id")
    readonly_fields = (
        "id",
        "merchant_id",
        "kind",
        "status",
        "period_start",
        "period_end",
        "parameters",
        "requested_by",
        "scheduled",
        "row_count",
        "verification",
        "error",
        "created",
        "finished_at",
        "downloads",
    )
    exclude = ("result", "csv")
    ordering = ("-id",)
    actions = ["request_yesterday"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Chain ok", boolean=True)
    def chain_ok(self, report: ComplianceReport) -> bool | None:
        return (report.verification or {}).get("ok")

    @admin.display(description="Download")
    def downloads(self, report: ComplianceReport) -> str:
        if report.status != "succeeded":
            return "-"
        base = reverse("admin:compliance_compliancereport_download", args=[report.id])
        return format_html(
            '<a href="{}?format=csv">CSV</a> · <a href="{}?format=json">JSON</a>', base, base
        )

    def get_urls(self):
        return [
            path(
                "<str:report_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="compliance_compliancereport_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, report_id: str) -> HttpResponse:
        """Staff download (audited like the API's)."""
        context = AuthContext(
            merchant=None,
            scopes=frozenset(ALL_SCOPES),
            user=request.user,
            is_platform_staff=True,
        )
        body, content_type = compliance_report_download(
            context=context, report_id=report_id, format=request.GET.get("format", "csv")
        )
        return HttpResponse(body, content_type=content_type)

    @admin.action(description="Request yesterday's platform-wide reports")
    def request_yesterday(self, request, queryset) -> None:
        created = compliance_reports_schedule_daily()
        self.message_user(request, f"{len(created)} reports requested.")
