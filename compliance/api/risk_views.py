"""The risk review queue (list, approve, reject) and compliance alerts (list, resolve)."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from compliance.models import AlertStatus, ReviewStatus
from mcp_payments.accounts.permissions import IsAuthenticatedActor, ScopePermission
from mcp_payments.api.filters import ListFilterSet, query_filters
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.serializers import StrictSerializer, valid
from mcp_payments.api.views import ApiView

from ..alerts import alert_resolve
from ..representations import AlertSerializer, RiskReviewSerializer
from ..selectors.alerts import alert_list
from ..selectors.reviews import risk_review_list
from ..services.reviews import risk_review_decide


class ReviewFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices)


class AlertFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices)


class DecisionSerializer(StrictSerializer):
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class RiskReviewListView(ApiView):
    filterset_class = ReviewFilter
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "risk:read"}

    @extend_schema(
        operation_id="risk_reviews_list",
        responses=list_serializer(RiskReviewSerializer),
    )
    def get(self, request: Request) -> Response:
        status = query_filters(request, ReviewFilter).get("status")
        reviews = risk_review_list(context=self.ctx, status=status)
        return Response(paginate(request, reviews, RiskReviewSerializer))


class RiskReviewDecisionView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"POST": "risk:write"}
    approve = True

    @extend_schema(request=DecisionSerializer, responses=RiskReviewSerializer)
    def post(self, request: Request, review_id: str) -> Response:
        data = valid(DecisionSerializer, request.data)
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
    filterset_class = AlertFilter
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "compliance:read"}

    @extend_schema(
        operation_id="compliance_alerts_list",
        responses=list_serializer(AlertSerializer),
    )
    def get(self, request: Request) -> Response:
        status = query_filters(request, AlertFilter).get("status")
        alerts = alert_list(context=self.ctx, status=status)
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
        data = valid(DecisionSerializer, request.data)
        alert = alert_resolve(context=self.ctx, alert_id=alert_id, note=data.validated_data["note"])
        return Response(AlertSerializer(alert).data)
