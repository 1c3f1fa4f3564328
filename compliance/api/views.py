"""Thin views over the audit selectors and services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, IsPlatformStaff, ScopePermission
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.views import ApiView

from ..selectors.audit import LIST_FILTERS, audit_entry_list
from ..services.audit import audit_seal_and_verify
from .serializers import AuditEntrySerializer, AuditVerificationSerializer

_LIST_PARAMETERS = [
    OpenApiParameter("limit", OpenApiTypes.INT, description="1 to 100 (default 10)."),
    OpenApiParameter("starting_after", OpenApiTypes.STR, description="An id or next_cursor."),
    OpenApiParameter("action", OpenApiTypes.STR, description="Exact action, e.g. api_key.created"),
    OpenApiParameter("object_id", OpenApiTypes.STR, description="Id of the object acted on."),
    OpenApiParameter(
        "actor_id", OpenApiTypes.STR, description="Id of the API key, user or system."
    ),
    OpenApiParameter("created[gte]", OpenApiTypes.STR, description="Unix seconds or RFC 3339."),
    OpenApiParameter("created[lt]", OpenApiTypes.STR, description="Unix seconds or RFC 3339."),
]


class AuditLogListView(ApiView):
    """Audit log entries of the caller's merchant (every merchant's for platform staff)."""

    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "compliance:read"}

    @extend_schema(
        operation_id="compliance_audit_log_list",
        summary="List audit log entries, newest first",
        parameters=_LIST_PARAMETERS,
        responses=list_serializer(AuditEntrySerializer),
        tags=["compliance"],
    )
    def get(self, request: Request) -> Response:
        filters = {name: request.query_params.get(name) for name in LIST_FILTERS}
        entries = audit_entry_list(context=self.ctx, filters=filters)
        return Response(paginate(request, entries, AuditEntrySerializer))


class AuditLogVerifyView(ApiView):
    """Seals pending entries, then recomputes the whole hash chain."""

    permission_classes = [IsAuthenticatedActor, ScopePermission, IsPlatformStaff]
    required_scopes = {"GET": "compliance:read"}

    @extend_schema(
        operation_id="compliance_audit_log_verify",
        summary="Seal pending entries and verify the audit hash chain (platform staff)",
        responses=AuditVerificationSerializer,
        tags=["compliance"],
    )
    def get(self, request: Request) -> Response:
        result = audit_seal_and_verify()
        return Response(AuditVerificationSerializer(result).data)
