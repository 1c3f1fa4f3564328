"""Payment methods, payments, refunds, disputes, wallet top-ups and the sandbox 3-D Secure page."""

import django_filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, ScopePermission
from mcp_payments.api.filters import ListFilterSet, query_filters
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.schema import ErrorSerializer
from mcp_payments.api.serializers import validated
from mcp_payments.api.views import ApiView
from mcp_payments.events.representations import represent
from payments import selectors
from payments.enums import DisputeStatus, PaymentStatus
from payments.representations import (
    DisputeSerializer,
    PaymentMethodSerializer,
    PaymentSerializer,
    RefundSerializer,
)
from payments.services import disputes, payment_methods, refunds, topups
from payments.services import payments as payment_services

from .serializers import (
    DisputeEvidenceSerializer,
    PaymentCancelSerializer,
    PaymentCaptureSerializer,
    PaymentConfirmSerializer,
    PaymentCreateSerializer,
    PaymentMethodCreateSerializer,
    RefundCreateSerializer,
    ThreeDSecureSerializer,
    TopUpSerializer,
)

_PERMISSIONS = [IsAuthenticatedActor, ScopePermission]
_DECLINED = OpenApiResponse(ErrorSerializer, description="Card declined; carries `payment`.")


class PaymentFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=PaymentStatus.choices)


class DisputeFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=DisputeStatus.choices)


class PaymentMethodListView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "payments:read", "POST": "payments:write"}
    operations = {"GET": "list_payment_methods", "POST": "create_payment_method"}

    @extend_schema(
        operation_id="payment_methods_list",
        parameters=[OpenApiParameter("customer", str)],
        responses=list_serializer(PaymentMethodSerializer),
    )
    def get(self, request: Request) -> Response:
        methods = selectors.payment_method_list(
            context=self.ctx, customer=request.query_params.get("customer")
        )
        return Response(paginate(request, methods, PaymentMethodSerializer))

    @extend_schema(
        operation_id="payment_methods_create",
        request=PaymentMethodCreateSerializer,
        responses={201: PaymentMethodSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(PaymentMethodCreateSerializer, request.data)
        method = payment_methods.payment_method_create(
            context=self.ctx,
            token=data["card"]["token"],
            customer_id=data.get("customer"),
            metadata=data.get("metadata"),
        )
        return Response(PaymentMethodSerializer(method).data, status=201)


class PaymentMethodDetailView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "payments:read"}
    operations = {"GET": "get_payment_method"}

    @extend_schema(operation_id="payment_methods_retrieve", responses=PaymentMethodSerializer)
    def get(self, request: Request, payment_method_id: str) -> Response:
        method = selectors.payment_method_get(context=self.ctx, payment_method_id=payment_method_id)
        return Response(PaymentMethodSerializer(method).data)


class PaymentMethodDetachView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "payments:write"}
    operations = {"POST": "detach_payment_method"}

    @extend_schema(
        operation_id="payment_methods_detach", request=None, responses=PaymentMethodSerializer
    )
    def post(self, request: Request, payment_method_id: str) -> Response:
        method = payment_methods.payment_method_detach(
            context=self.ctx, payment_method_id=payment_method_id
        )
        return Response(PaymentMethodSerializer(method).data)


class PaymentListView(ApiView):
    filterset_class = PaymentFilter
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "payments:read", "POST": "payments:write"}
    operations = {"GET": "list_payments", "POST": "create_payment"}
    approvable = True

    @extend_schema(
        operation_id="payments_list",
        parameters=[OpenApiParameter("customer", str)],
        responses=list_serializer(PaymentSerializer),
    )
    def get(self, request: Request) -> Response:
        payments = selectors.payment_list(
            context=self.ctx,
            status=query_filters(request, PaymentFilter).get("status"),
            customer=request.query_params.get("customer"),
        )
        return Response(paginate(request, payments, PaymentSerializer))

    @extend_schema(
        operation_id="payments_create",
        request=PaymentCreateSerializer,
        responses={201: PaymentSerializer, 402: _DECLINED},
    )
    def post(self, request: Request) -> Response:
        data = validated(PaymentCreateSerializer, request.data)
        payment = payment_services.payment_create(
            context=self.ctx, request=payment_services.PaymentRequest(**data)
        )
        return Response(represent(payment), status=201)


class PaymentDetailView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "payments:read"}
    operations = {"GET": "get_payment"}

    @extend_schema(operation_id="payments_retrieve", responses=PaymentSerializer)
    def get(self, request: Request, payment_id: str) -> Response:
        payment = selectors.payment_get(context=self.ctx, payment_id=payment_id)
        return Response(PaymentSerializer(payment).data)


class PaymentConfirmView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "payments:write"}
    operations = {"POST": "confirm_payment"}
    approvable = True
    url_arguments = {"payment_id": "id"}

    @extend_schema(
        operation_id="payments_confirm",
        request=PaymentConfirmSerializer,
        responses={200: PaymentSerializer, 402: _DECLINED},
    )
    def post(self, request: Request, payment_id: str) -> Response:
        data = validated(PaymentConfirmSerializer, request.data)
        payment = payment_services.payment_confirm(
            context=self.ctx, payment_id=payment_id, payment_method=data.get("payment_method")
        )
        return Response(PaymentSerializer(payment).data)


class PaymentCaptureView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "payments:write"}
    operations = {"POST": "capture_payment"}

    @extend_schema(
        operation_id="payments_capture",
        request=PaymentCaptureSerializer,
        responses=PaymentSerializer,
    )
    def post(self, request: Request, payment_id: str) -> Response:
        data = validated(PaymentCaptureSerializer, request.data)
        payment = payment_services.payment_capture(
            context=self.ctx,
            payment_id=payment_id,
            amount_to_capture=data.get("amount_to_capture"),
        )
        return Response(PaymentSerializer(payment).data)


class PaymentCancelView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "payments:write"}
    operations = {"POST": "cancel_payment"}

    @extend_schema(
        operation_id="payments_cancel", request=PaymentCancelSerializer, responses=PaymentSerializer
    )
    def post(self, request: Request, payment_id: str) -> Response:
        data = validated(PaymentCancelSerializer, request.data)
        payment = payment_services.payment_cancel(
            context=self.ctx, payment_id=payment_id, reason=data["cancellation_reason"]
        )
        return Response(PaymentSerializer(payment).data)


class SandboxThreeDSecureView(ApiView):
    """The sandbox's 3-D Secure challenge page, answered as the cardholder."""

    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "payments:write"}
    operations = {"GET": "complete_3ds", "POST": "complete_3ds"}

    @extend_schema(
        operation_id="sandbox_3ds_complete",
        request=ThreeDSecureSerializer,
        responses={200: PaymentSerializer, 402: _DECLINED},
    )
    def post(self, request: Request, payment_id: str) -> Response:
        data = validated(ThreeDSecureSerializer, request.data)
        payment = payment_services.payment_complete_3ds(
            context=self.ctx, payment_id=payment_id, succeeded=data["result"] == "succeed"
        )
        return Response(PaymentSerializer(payment).data)


class RefundListView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "payments:read", "POST": "refunds:write"}
    operations = {"GET": "list_refunds", "POST": "create_refund"}
    approvable = True

    @extend_schema(
        operation_id="refunds_list",
        parameters=[OpenApiParameter("payment", str)],
        responses=list_serializer(RefundSerializer),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.refund_list(context=self.ctx, payment=request.query_params.get("payment"))
        return Response(paginate(request, rows, RefundSerializer))

    @extend_schema(
        operation_id="refunds_create",
        request=RefundCreateSerializer,
        responses={201: RefundSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(RefundCreateSerializer, request.data)
        refund = refunds.refund_create(
            context=self.ctx,
            payment_id=data["payment"],
            amount=data.get("amount"),
            reason=data.get("reason"),
            metadata=data.get("metadata"),
        )
        return Response(RefundSerializer(refund).data, status=201)


class RefundDetailView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "payments:read"}
    operations = {"GET": "get_refund"}

    @extend_schema(operation_id="refunds_retrieve", responses=RefundSerializer)
    def get(self, request: Request, refund_id: str) -> Response:
        refund = selectors.refund_get(context=self.ctx, refund_id=refund_id)
        return Response(RefundSerializer(refund).data)


class DisputeListView(ApiView):
    filterset_class = DisputeFilter
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "payments:read"}
    operations = {"GET": "list_disputes"}

    @extend_schema(
        operation_id="disputes_list",
        responses=list_serializer(DisputeSerializer),
    )
    def get(self, request: Request) -> Response:
        status = query_filters(request, DisputeFilter).get("status")
        rows = selectors.dispute_list(context=self.ctx, status=status)
        return Response(paginate(request, rows, DisputeSerializer))


class DisputeDetailView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "payments:read", "POST": "payments:write"}
    operations = {"GET": "get_dispute", "POST": "update_dispute"}

    @extend_schema(operation_id="disputes_retrieve", responses=DisputeSerializer)
    def get(self, request: Request, dispute_id: str) -> Response:
        dispute = selectors.dispute_get(context=self.ctx, dispute_id=dispute_id)
        return Response(DisputeSerializer(dispute).data)

    @extend_schema(
        operation_id="disputes_update",
        request=DisputeEvidenceSerializer,
        responses=DisputeSerializer,
    )
    def post(self, request: Request, dispute_id: str) -> Response:
        data = validated(DisputeEvidenceSerializer, request.data)
        dispute = disputes.dispute_submit_evidence(
            context=self.ctx, dispute_id=dispute_id, evidence=data["evidence"]
        )
        return Response(DisputeSerializer(dispute).data)


class DisputeCloseView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "payments:write"}
    operations = {"POST": "close_dispute"}

    @extend_schema(operation_id="disputes_close", request=None, responses=DisputeSerializer)
    def post(self, request: Request, dispute_id: str) -> Response:
        dispute = disputes.dispute_accept(context=self.ctx, dispute_id=dispute_id)
        return Response(DisputeSerializer(dispute).data)


class WalletTopUpView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "wallets:write"}
    operations = {"POST": "top_up_wallet"}
    approvable = True
    url_arguments = {"wallet_id": "id"}

    @extend_schema(
        operation_id="wallets_top_up",
        request=TopUpSerializer,
        responses={201: PaymentSerializer, 402: _DECLINED},
    )
    def post(self, request: Request, wallet_id: str) -> Response:
        data = validated(TopUpSerializer, request.data)
        payment = topups.wallet_top_up(context=self.ctx, wallet_id=wallet_id, **data)
        return Response(PaymentSerializer(payment).data, status=201)
