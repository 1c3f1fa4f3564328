"""Risk rules (CRUD and backtest), block list, customer KYC — thin over compliance services."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, ScopePermission
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.serializers import validated
from mcp_payments.api.views import ApiView

from ..representations import BlockListEntrySerializer, CustomerKycSerializer, RiskRuleSerializer
from ..services import block_list, kyc, rules
from .rule_serializers import (
    BacktestSerializer,
    BlockListCreateSerializer,
    KycSerializer,
    RiskRuleCreateSerializer,
    RiskRuleUpdateSerializer,
)

_PERMISSIONS = [IsAuthenticatedActor, ScopePermission]


class RiskRuleListView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "risk:read", "POST": "risk:write"}

    @extend_schema(operation_id="risk_rules_list", responses=list_serializer(RiskRuleSerializer))
    def get(self, request: Request) -> Response:
        """Every rule of the merchant in evaluation order (position), on one page."""
        data = RiskRuleSerializer(rules.risk_rule_list(context=self.ctx), many=True).data
        return Response({"object": "list", "data": data, "has_more": False, "next_cursor": None})

    @extend_schema(
        operation_id="risk_rules_create",
        request=RiskRuleCreateSerializer,
        responses={201: RiskRuleSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(RiskRuleCreateSerializer, request.data)
        rule = rules.risk_rule_create(context=self.ctx, **data)
        return Response(RiskRuleSerializer(rule).data, status=201)


class RiskRuleDetailView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "risk:read", "POST": "risk:write", "DELETE": "risk:write"}

    @extend_schema(operation_id="risk_rules_retrieve", responses=RiskRuleSerializer)
    def get(self, request: Request, rule_id: str) -> Response:
        rule = rules.risk_rule_get(context=self.ctx, rule_id=rule_id)
        return Response(RiskRuleSerializer(rule).data)

    @extend_schema(
        operation_id="risk_rules_update",
        request=RiskRuleUpdateSerializer,
        responses=RiskRuleSerializer,
    )
    def post(self, request: Request, rule_id: str) -> Response:
        data = validated(RiskRuleUpdateSerializer, request.data)
        rule = rules.risk_rule_update(context=self.ctx, rule_id=rule_id, **data)
        return Response(RiskRuleSerializer(rule).data)

    @extend_schema(operation_id="risk_rules_delete", responses=RiskRuleSerializer)
    def delete(self, request: Request, rule_id: str) -> Response:
        rule = rules.risk_rule_delete(context=self.ctx, rule_id=rule_id)
        return Response({"id": rule.id, "object": "risk_rule", "deleted": True})


class RiskRuleTestView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "risk:read"}

    @extend_schema(operation_id="risk_rules_test", request=None, responses=BacktestSerializer)
    def post(self, request: Request, rule_id: str) -> Response:
        rule = rules.risk_rule_get(context=self.ctx, rule_id=rule_id)
        result = rules.risk_rule_backtest(context=self.ctx, rule=rule)
        return Response(BacktestSerializer(result).data)


class BlockListView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "risk:read", "POST": "risk:write"}

    @extend_schema(
        operation_id="block_list_list", responses=list_serializer(BlockListEntrySerializer)
    )
    def get(self, request: Request) -> Response:
        entries = block_list.block_list_entries(context=self.ctx)
        return Response(paginate(request, entries, BlockListEntrySerializer))

    @extend_schema(
        operation_id="block_list_create",
        request=BlockListCreateSerializer,
        responses={201: BlockListEntrySerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(BlockListCreateSerializer, request.data)
        entry = block_list.block_list_add(context=self.ctx, **data)
        return Response(BlockListEntrySerializer(entry).data, status=201)


class BlockListDetailView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"DELETE": "risk:write"}

    @extend_schema(operation_id="block_list_delete", responses=BlockListEntrySerializer)
    def delete(self, request: Request, entry_id: str) -> Response:
        entry = block_list.block_list_remove(context=self.ctx, entry_id=entry_id)
        return Response(BlockListEntrySerializer(entry).data)


class CustomerKycView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "risk:write"}

    @extend_schema(
        operation_id="customers_kyc", request=KycSerializer, responses=CustomerKycSerializer
    )
    def post(self, request: Request, customer_id: str) -> Response:
        data = validated(KycSerializer, request.data)
        record = kyc.customer_kyc_set(
            context=self.ctx, customer_id=customer_id, status=data["status"]
        )
        return Response(CustomerKycSerializer(record).data)
