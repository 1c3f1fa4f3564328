"""GET /agent_approvals, POST /agent_approvals/{id}/approve|reject (API.md §2, §7).

Deciding is for platform staff and the merchant's admin or finance users (JWT); API keys, the
agents' own credentials among them, may read approvals with `events:read` but never decide."""

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.api.serializers import AgentPolicySerializer
from mcp_payments.accounts.api.views import ApiKeyAdminPermission
from mcp_payments.accounts.context import AuthContext, CallerPolicy
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.accounts.permissions import IsAuthenticatedActor
from mcp_payments.accounts.selectors import api_key_get
from mcp_payments.agents import selectors
from mcp_payments.agents.enforcement import policy_verdict
from mcp_payments.agents.models import ApprovalStatus
from mcp_payments.agents.representations import AgentApprovalSerializer
from mcp_payments.agents.services import approvals, assistant
from mcp_payments.api.filters import ListFilterSet, query_filters
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.serializers import valid
from mcp_payments.api.views import ApiView

from .serializers import ApprovalDecisionSerializer, PolicyCheckSerializer

_VERDICT = inline_serializer(
    "PolicyVerdict",
    {
        "object": serializers.CharField(),
        "operation": serializers.CharField(),
        "amount": serializers.IntegerField(allow_null=True),
        "currency": serializers.CharField(allow_null=True),
        "allowed": serializers.BooleanField(),
        "refusal": serializers.DictField(allow_null=True),
        "approval_required": serializers.BooleanField(),
        "max_amount_per_call": serializers.IntegerField(allow_null=True),
        "approval_above": serializers.IntegerField(allow_null=True),
        "daily_limit": serializers.IntegerField(allow_null=True),
        "daily_spent": serializers.IntegerField(),
        "daily_remaining": serializers.IntegerField(allow_null=True),
    },
)
_ASSISTANT_POLICY = inline_serializer(
    "AssistantPolicy",
    {
        "object": serializers.CharField(),
        "max_amount_per_call": serializers.IntegerField(allow_null=True),
        "daily_limit": serializers.DictField(child=serializers.IntegerField()),
        "approval_above": serializers.IntegerField(allow_null=True),
        "allowed_tools": serializers.ListField(child=serializers.CharField(), allow_null=True),
        "expires_at": serializers.CharField(allow_null=True),
        "read_only": serializers.BooleanField(),
    },
)


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
    operations = {"GET": "list_approvals"}
    policy_unrestricted = True

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
    operations = {"GET": "get_approval"}
    policy_unrestricted = True

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
        data = valid(ApprovalDecisionSerializer, request.data)
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
        data = valid(ApprovalDecisionSerializer, request.data)
        approval = approvals.approval_reject(
            context=self.ctx, approval_id=approval_id, reason=data.validated_data["reason"]
        )
        return Response(AgentApprovalSerializer(approval).data)


class AgentApprovalRetryView(ApiView):
    permission_classes = [IsAuthenticatedActor]

    @extend_schema(
        operation_id="agent_approvals_retry", request=None, responses=AgentApprovalSerializer
    )
    def post(self, request: Request, approval_id: str) -> Response:
        approval = approvals.approval_retry(context=self.ctx, approval_id=approval_id)
        return Response(AgentApprovalSerializer(approval).data)


class PolicyCheckView(ApiView):
    """The verdict of a key's agent policy on a call, changing nothing (the dashboard's policy
    editor): merchant admins and platform staff."""

    permission_classes = [ApiKeyAdminPermission]

    @extend_schema(
        operation_id="api_keys_policy_check",
        request=PolicyCheckSerializer,
        responses=_VERDICT,
    )
    def post(self, request: Request, key_id: str) -> Response:
        data = valid(PolicyCheckSerializer, request.data)
        key = api_key_get(context=self.ctx, key_id=key_id)
        verdict = policy_verdict(
            context=AuthContext(
                merchant=key.merchant,
                scopes=frozenset(key.scopes),
                api_key=key,
                agent_policy=CallerPolicy.of(key.id, key),
            ),
            **data.validated_data,
        )
        return Response({"object": "policy_verdict", **verdict.as_dict()})


class DashboardUserPermission(IsAuthenticatedActor):
    message = "The assistant policy is for dashboard users (and platform staff)."

    def has_permission(self, request: Request, view) -> bool:
        return request.auth is not None and request.auth.api_key is None


class AssistantPolicyView(ApiView):
    """The merchant's assistant policy: members read it, merchant admins set it."""

    permission_classes = [DashboardUserPermission]

    @extend_schema(operation_id="assistant_policy_retrieve", responses=_ASSISTANT_POLICY)
    def get(self, request: Request) -> Response:
        if self.ctx.merchant is None:
            raise MerchantRequired()
        row = selectors.assistant_policy_get(merchant_id=self.ctx.merchant.id)
        return Response(assistant.assistant_policy_as_dict(row))

    @extend_schema(
        operation_id="assistant_policy_set",
        request=AgentPolicySerializer,
        responses=_ASSISTANT_POLICY,
    )
    def post(self, request: Request) -> Response:
        data = valid(AgentPolicySerializer, request.data)
        row = assistant.assistant_policy_set(context=self.ctx, policy=data.validated_data)
        return Response(assistant.assistant_policy_as_dict(row))
