from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, IsPlatformStaff, ScopePermission
from mcp_payments.api.views import ApiView
from mcp_payments.monitoring.status import system_status


class SystemStatusView(ApiView):
    """Platform staff: queue depths, DLQ sizes, workers seen, outbox lag, last beat run."""

    permission_classes = [IsAuthenticatedActor, IsPlatformStaff, ScopePermission]
    required_scopes = {"GET": "system:read"}

    @extend_schema(operation_id="system_status", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(system_status())
