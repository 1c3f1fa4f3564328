"""Thin views over the report builder services (ANALYTICS.md §2 Reports)."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, ScopePermission
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.views import ApiView

from ..reports import schedules, services
from ..representations import ReportRunSerializer, ReportSerializer


class ReportListView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "analytics:read", "POST": "reports:write"}

    @extend_schema(
        operation_id="reports_list",
        responses=list_serializer(ReportSerializer),
        tags=["reports"],
    )
    def get(self, request: Request) -> Response:
        return Response(paginate(request, services.report_list(context=self.ctx), ReportSerializer))

    @extend_schema(
        operation_id="reports_create",
        request=OpenApiTypes.OBJECT,
        responses={201: ReportSerializer},
        tags=["reports"],
    )
    def post(self, request: Request) -> Response:
        report = services.report_create(context=self.ctx, definition=request.data)
        return Response(ReportSerializer(report).data, status=201)


class ReportPreviewView(ApiView):
    """The builder's live preview: an unsaved definition run synchronously (at most 200 rows)."""

    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"POST": "analytics:read"}

    @extend_schema(
        operation_id="reports_preview",
        request=OpenApiTypes.OBJECT,
        responses=OpenApiTypes.OBJECT,
        tags=["reports"],
    )
    def post(self, request: Request) -> Response:
        return Response(services.report_preview(context=self.ctx, definition=request.data))


class ReportDetailView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "analytics:read", "DELETE": "reports:write"}

    @extend_schema(operation_id="reports_retrieve", responses=ReportSerializer, tags=["reports"])
    def get(self, request: Request, report_id: str) -> Response:
        report = services.report_get(context=self.ctx, report_id=report_id)
        return Response(ReportSerializer(report).data)

    @extend_schema(operation_id="reports_delete", responses=ReportSerializer, tags=["reports"])
    def delete(self, request: Request, report_id: str) -> Response:
        report = services.report_delete(context=self.ctx, report_id=report_id)
        return Response({"id": report.id, "object": "report", "deleted": True})


class ReportRunView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"POST": "reports:write"}

    @extend_schema(
        operation_id="reports_run",
        request=None,
        responses={200: ReportRunSerializer, 202: ReportRunSerializer},
        tags=["reports"],
    )
    def post(self, request: Request, report_id: str) -> Response:
        run = services.report_run(context=self.ctx, report_id=report_id)
        status = 200 if run.status == "succeeded" else 202
        return Response(ReportRunSerializer(run).data, status=status)


class ReportScheduleView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"POST": "reports:write"}

    @extend_schema(
        operation_id="reports_schedule",
        request=OpenApiTypes.OBJECT,
        responses=ReportSerializer,
        tags=["reports"],
    )
    def post(self, request: Request, report_id: str) -> Response:
        report = schedules.report_schedule(
            context=self.ctx, report_id=report_id, schedule=request.data
        )
        return Response(ReportSerializer(report).data)


class ReportRunDetailView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "analytics:read"}

    @extend_schema(
        operation_id="report_runs_retrieve", responses=ReportRunSerializer, tags=["reports"]
    )
    def get(self, request: Request, run_id: str) -> Response:
        run = services.report_run_get(context=self.ctx, run_id=run_id)
        return Response(ReportRunSerializer(run).data)


class ReportRunDownloadView(ApiView):
    """The run's CSV: for the merchant's API key or user, or anyone holding the signed link
    (`?token=`, expires after REPORT_RESULT_DAYS days)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="report_runs_download",
        responses={(200, "text/csv"): OpenApiTypes.STR},
        tags=["reports"],
    )
    def get(self, request: Request, run_id: str) -> HttpResponse:
        token = request.query_params.get("token")
        if token is not None:
            run = services.report_run_by_token(run_id=run_id, token=token)
        else:
            if request.auth is None:
                self.permission_denied(request)
            if not request.auth.has_scope("analytics:read"):
                self.permission_denied(request, message="This request needs 'analytics:read'.")
            run = services.report_run_get(context=self.ctx, run_id=run_id)
        body = services.report_run_csv(run)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{run.id}.csv"'
        return response
