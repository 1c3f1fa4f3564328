"""GET /agent_approvals, POST /agent_approvals/{id}/approve|reject (API.md §2, §7).

Deciding is for platform staff and the merchant's admin or finance users (JWT); API keys, the
agents' own credentials among them, may read approvals with `events:read` but never decide."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor
from mcp_payments.agents import selectors
from mcp_payments.agents.models import ApprovalStatus
from mcp_payments.agents.representations import AgentApprovalSerializer
from mcp_payments.agents.services import approvals
from mcp_payments.api.filters import ListFilterSet, query_filters
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.views import ApiView

from .serializers import ApprovalDecisionSerializer


class ApprovalFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=ApprovalStatus.choices)


class ApprovalReaderPermission(IsAuthenticatedActor):
    message = "Reading agent approvals needs a dashboard user or the 'events:read' scope."

    def has_permission(self, request: Request, view) -> bool:
        context = request.auth
        if context is None:
            return False
        return context.api_key is None or context.has_scope("events:read")


class AgentApprovalListView(ApiView):
    filterset_class = ApprovalFilter
    permission_classes = [ApprovalReaderPermission]

    @extend_schema(
        operation_id="agent_approvals_list",
        responses=list_serializer(AgentApprovalSerializer),
    )
    def get(self, request: Request) -> Response:
        status = query_filters(request, ApprovalFilter).get("status")
        rows = selectors.approval_list(context=self.ctx, status=status)
        return Response(paginate(request, rows, AgentApprovalSerializer))


class AgentApprovalDetailView(ApiView):
    permission_classes = [ApprovalReaderPermission]

    @extend_schema(operation_id="agent_approvals_retrieve", responses=AgentApprovalSerializer)
    def get(self, request: Request, approval_id: str) -> Response:
        approval = selectors.approval_get(context=self.ctx, approval_id=approval_id)
        return Response(AgentApprovalSerializer(approval).data)


class AgentApprovalApproveView(ApiView):
    permission_classes = [IsAuthenticatedActor]

    @extend_schema(
        operation_id="agent_approvals_approve",
        request=ApprovalDecisionSerializer,
        responses=AgentApprovalSerializer,
    )
    def post(self, request: Request, approval_id: str) -> Response:
        data = ApprovalDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approval = approvals.approval_approve(
            context=self.ctx, approval_id=approval_id, reason=data.validated_data["reason"]
        )
        return Response(AgentApprovalSerializer(approval).data)


class AgentApprovalRejectView(ApiView):
    permission_classes = [IsAuthenticatedActor]

    @extend_schema(
        operation_id="agent_approvals_reject",
        request=ApprovalDecisionSerializer,
        responses=AgentApprovalSerializer,
    )
    def post(self, request: Request, approval_id: str) -> Response:
        data = ApprovalDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approval = approvals.approval_reject(
            context=self.ctx, approval_id=approval_id, reason=data.validated_data["reason"]
        )
        return Response(AgentApprovalSerializer(approval).data)
