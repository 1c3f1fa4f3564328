"""Thin views over the compliance report services (ANALYTICS.md §4)."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, ScopePermission
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.serializers import valid
from mcp_payments.api.views import ApiView

from ..reports import services
from ..representations import ComplianceReportSerializer


class ComplianceReportRequestSerializer(serializers.Serializer):
    kind = serializers.CharField()
    period_start = serializers.CharField()
    period_end = serializers.CharField()


class ComplianceReportListView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "compliance:read", "POST": "reports:write"}

    @extend_schema(
        operation_id="compliance_reports_list",
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR)],
        responses=list_serializer(ComplianceReportSerializer),
        tags=["compliance"],
    )
    def get(self, request: Request) -> Response:
        reports = services.compliance_report_list(
            context=self.ctx, kind=request.query_params.get("kind")
        )
        return Response(paginate(request, reports, ComplianceReportSerializer))

    @extend_schema(
        operation_id="compliance_reports_create",
        request=ComplianceReportRequestSerializer,
        responses={202: ComplianceReportSerializer},
        tags=["compliance"],
    )
    def post(self, request: Request) -> Response:
        data = valid(ComplianceReportRequestSerializer, request.data)
        report = services.compliance_report_request(context=self.ctx, **data.validated_data)
        return Response(ComplianceReportSerializer(report).data, status=202)


class ComplianceReportDetailView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "compliance:read"}

    @extend_schema(
        operation_id="compliance_reports_retrieve",
        responses=ComplianceReportSerializer,
        tags=["compliance"],
    )
    def get(self, request: Request, report_id: str) -> Response:
        report = services.compliance_report_get(context=self.ctx, report_id=report_id)
        return Response(ComplianceReportSerializer(report).data)


class ComplianceReportDownloadView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "compliance:read"}

    @extend_schema(
        operation_id="compliance_reports_download",
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, description="csv or json")],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        tags=["compliance"],
    )
    def get(self, request: Request, report_id: str) -> HttpResponse:
        body, content_type = services.compliance_report_download(
            context=self.ctx,
            report_id=report_id,
            format=request.query_params.get("format", "csv"),
        )
        response = HttpResponse(body, content_type=content_type)
        extension = "json" if content_type == "application/json" else "csv"
        response["Content-Disposition"] = f'attachment; filename="{report_id}.{extension}"'
        return response
