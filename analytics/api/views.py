"""Thin views over the analytics metrics (ANALYTICS.md §2)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, ScopePermission
from mcp_payments.api.errors import InvalidRequest
from mcp_payments.api.views import ApiView

from ..breakdowns import analytics_customers, analytics_fraud
from ..metrics import analytics_summary, analytics_timeseries, window_parse
from ..mrr import analytics_mrr
from ..selectors import merchant_id_of

WINDOW_PARAMETERS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.STR,
        description="Inclusive start: YYYY-MM-DD "
        "(local midnight) or RFC 3339 on a 15-minute boundary.",
    ),
    OpenApiParameter("to", OpenApiTypes.STR, description="Exclusive end (same forms)."),
    OpenApiParameter("timezone", OpenApiTypes.STR, description="IANA name (default UTC)."),
]


def _window(request: Request):
    query = request.query_params
    return window_parse(
        start=query.get("from"), end=query.get("to"), timezone=query.get("timezone")
    )


class _AnalyticsView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "analytics:read"}


class SummaryView(_AnalyticsView):
    @extend_schema(
        operation_id="analytics_summary",
        summary="Home tiles per currency, with the previous period",
        parameters=[
            *WINDOW_PARAMETERS,
            OpenApiParameter("compare", OpenApiTypes.STR, description="previous_period or none"),
        ],
        responses=OpenApiTypes.OBJECT,
        tags=["analytics"],
    )
    def get(self, request: Request) -> Response:
        compare = request.query_params.get("compare", "previous_period")
        if compare not in ("previous_period", "none"):
            raise InvalidRequest("compare must be previous_period or none.", param="compare")
        return Response(
            analytics_summary(
                merchant_id=merchant_id_of(self.ctx),
                window=_window(request),
                compare=compare == "previous_period",
            )
        )


class TimeseriesView(_AnalyticsView):
    @extend_schema(
        operation_id="analytics_timeseries",
        summary="A metric per hour, day, week or month",
        parameters=[
            *WINDOW_PARAMETERS,
            OpenApiParameter("metric", OpenApiTypes.STR, description="e.g. gross_volume"),
            OpenApiParameter("interval", OpenApiTypes.STR, description="hour|day|week|month"),
            OpenApiParameter("group_by", OpenApiTypes.STR, description="A dimension"),
        ],
        responses=OpenApiTypes.OBJECT,
        tags=["analytics"],
    )
    def get(self, request: Request) -> Response:
        query = request.query_params
        return Response(
            analytics_timeseries(
                merchant_id=merchant_id_of(self.ctx),
                metric=query.get("metric", "gross_volume"),
                interval=query.get("interval", "day"),
                window=_window(request),
                group_by=query.get("group_by") or None,
            )
        )


class FraudView(_AnalyticsView):
    @extend_schema(
        operation_id="analytics_fraud",
        summary="Block and review rates, top rules, disputes by reason",
        parameters=WINDOW_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
        tags=["analytics"],
    )
    def get(self, request: Request) -> Response:
        return Response(
            analytics_fraud(merchant_id=merchant_id_of(self.ctx), window=_window(request))
        )


class CustomersView(_AnalyticsView):
    @extend_schema(
        operation_id="analytics_customers",
        summary="New and paying customers, ARPU, top customers",
        parameters=WINDOW_PARAMETERS,
        responses=OpenApiTypes.OBJECT,
        tags=["analytics"],
    )
    def get(self, request: Request) -> Response:
        return Response(
            analytics_customers(merchant_id=merchant_id_of(self.ctx), window=_window(request))
        )


class MrrView(_AnalyticsView):
    @extend_schema(
        operation_id="analytics_mrr",
        summary="MRR, ARR and the monthly MRR movements",
        parameters=[
            OpenApiParameter("start_month", OpenApiTypes.STR, description="YYYY-MM"),
            OpenApiParameter("end_month", OpenApiTypes.STR, description="YYYY-MM (inclusive)"),
            OpenApiParameter("timezone", OpenApiTypes.STR, description="IANA name (default UTC)"),
        ],
        responses=OpenApiTypes.OBJECT,
        tags=["analytics"],
    )
    def get(self, request: Request) -> Response:
        query = request.query_params
        return Response(
            analytics_mrr(
                merchant_id=merchant_id_of(self.ctx),
                start_month=query.get("start_month"),
                end_month=query.get("end_month"),
                timezone=query.get("timezone") or "UTC",
            )
        )
