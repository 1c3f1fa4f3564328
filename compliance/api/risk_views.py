"""The risk review queue (list, approve, reject) and compliance alerts (list, resolve)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, ScopePermission
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.serializers import StrictSerializer
from mcp_payments.api.views import ApiView

from ..alerts import alert_resolve
from ..representations import AlertSerializer, RiskReviewSerializer
from ..selectors.alerts import alert_list
from ..selectors.reviews import risk_review_list
from ..services.reviews import risk_review_decide


class DecisionSerializer(StrictSerializer):
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class RiskReviewListView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "risk:read"}

    @extend_schema(
        operation_id="risk_reviews_list",
        parameters=[OpenApiParameter("status", str)],
        responses=list_serializer(RiskReviewSerializer),
    )
    def get(self, request: Request) -> Response:
        reviews = risk_review_list(context=self.ctx, status=request.query_params.get("status"))
        return Response(paginate(request, reviews, RiskReviewSerializer))


class RiskReviewDecisionView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"POST": "risk:write"}
    approve = True

    @extend_schema(request=DecisionSerializer, responses=RiskReviewSerializer)
    def post(self, request: Request, review_id: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = risk_review_decide(
            context=self.ctx,
            review_id=review_id,
            approve=self.approve,
            note=data.validated_data["note"],
        )
        return Response(RiskReviewSerializer(review).data)


class RiskReviewRejectView(RiskReviewDecisionView):
    approve = False


class AlertListView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "compliance:read"}

    @extend_schema(
        operation_id="compliance_alerts_list",
        parameters=[OpenApiParameter("status", str)],
        responses=list_serializer(AlertSerializer),
    )
    def get(self, request: Request) -> Response:
        alerts = alert_list(context=self.ctx, status=request.query_params.get("status"))
        return Response(paginate(request, alerts, AlertSerializer))


class AlertResolveView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"POST": "risk:write"}

    @extend_schema(
        operation_id="compliance_alerts_resolve",
        request=DecisionSerializer,
        responses=AlertSerializer,
    )
    def post(self, request: Request, alert_id: str) -> Response:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = alert_resolve(context=self.ctx, alert_id=alert_id, note=data.validated_data["note"])
        return Response(AlertSerializer(alert).data)
