"""Billing endpoints (BILLING.md §2): thin views over the billing services and selectors."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, ScopePermission
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.serializers import validated
from mcp_payments.api.views import ApiView

from .. import selectors
from ..representations import (
    CouponSerializer,
    InvoiceItemSerializer,
    InvoiceLineSerializer,
    InvoiceSerializer,
    PriceSerializer,
    ProductSerializer,
    SubscriptionSerializer,
    TestClockSerializer,
)
from ..services import catalog, invoices, subscriptions, test_clocks
from . import serializers as s

_PERMISSIONS = [IsAuthenticatedActor, ScopePermission]
_READ_WRITE = {"GET": "billing:read", "POST": "billing:write", "DELETE": "billing:write"}


def _flag(request: Request, name: str) -> bool | None:
    value = request.query_params.get(name)
    return None if value is None else value == "true"


class BillingView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = _READ_WRITE


class ProductListView(BillingView):
    operations = {"GET": "list_products", "POST": "create_product"}

    @extend_schema(operation_id="products_list", responses=list_serializer(ProductSerializer))
    def get(self, request: Request) -> Response:
        products = selectors.product_list(context=self.ctx, active=_flag(request, "active"))
        return Response(paginate(request, products, ProductSerializer))

    @extend_schema(
        operation_id="products_create",
        request=s.ProductCreateSerializer,
        responses={201: ProductSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(s.ProductCreateSerializer, request.data)
        product = catalog.product_create(context=self.ctx, **data)
        return Response(ProductSerializer(product).data, status=201)


class ProductDetailView(BillingView):
    operations = {"GET": "get_product", "POST": "update_product"}

    @extend_schema(operation_id="products_retrieve", responses=ProductSerializer)
    def get(self, request: Request, product_id: str) -> Response:
        product = selectors.product_get(context=self.ctx, product_id=product_id)
        return Response(ProductSerializer(product).data)

    @extend_schema(
        operation_id="products_update",
        request=s.ProductUpdateSerializer,
        responses=ProductSerializer,
    )
    def post(self, request: Request, product_id: str) -> Response:
        data = validated(s.ProductUpdateSerializer, request.data)
        product = catalog.product_update(context=self.ctx, product_id=product_id, **data)
        return Response(ProductSerializer(product).data)


class PriceListView(BillingView):
    operations = {"GET": "list_prices", "POST": "create_price"}

    @extend_schema(operation_id="prices_list", responses=list_serializer(PriceSerializer))
    def get(self, request: Request) -> Response:
        prices = selectors.price_list(
            context=self.ctx,
            product=request.query_params.get("product"),
            active=_flag(request, "active"),
        )
        return Response(paginate(request, prices, PriceSerializer))

    @extend_schema(
        operation_id="prices_create",
        request=s.PriceCreateSerializer,
        responses={201: PriceSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(s.PriceCreateSerializer, request.data)
        price = catalog.price_create(context=self.ctx, **data)
        return Response(PriceSerializer(price).data, status=201)


class PriceDetailView(BillingView):
    operations = {"GET": "get_price", "POST": "update_price"}

    @extend_schema(operation_id="prices_retrieve", responses=PriceSerializer)
    def get(self, request: Request, price_id: str) -> Response:
        price = selectors.price_get(context=self.ctx, price_id=price_id)
        return Response(PriceSerializer(price).data)

    @extend_schema(
        operation_id="prices_update", request=s.PriceUpdateSerializer, responses=PriceSerializer
    )
    def post(self, request: Request, price_id: str) -> Response:
        data = validated(s.PriceUpdateSerializer, request.data)
        price = catalog.price_update(context=self.ctx, price_id=price_id, **data)
        return Response(PriceSerializer(price).data)


class SubscriptionListView(BillingView):
    operations = {"GET": "list_subscriptions", "POST": "create_subscription"}
    approvable = True

    @extend_schema(
        operation_id="subscriptions_list", responses=list_serializer(SubscriptionSerializer)
    )
    def get(self, request: Request) -> Response:
        rows = selectors.subscription_list(
            context=self.ctx,
            customer=request.query_params.get("customer"),
            status=request.query_params.get("status"),
        )
        return Response(paginate(request, rows, SubscriptionSerializer))

    @extend_schema(
        operation_id="subscriptions_create",
        request=s.SubscriptionCreateSerializer,
        responses={201: SubscriptionSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(s.SubscriptionCreateSerializer, request.data)
        subscription = subscriptions.subscription_create(
            context=self.ctx, params=s.subscription_params(data)
        )
        return Response(SubscriptionSerializer(subscription).data, status=201)


class SubscriptionDetailView(BillingView):
    operations = {"GET": "get_subscription", "POST": "update_subscription"}
    approvable = True
    url_arguments = {"subscription_id": "id"}  # an approved update runs update_subscription

    @extend_schema(operation_id="subscriptions_retrieve", responses=SubscriptionSerializer)
    def get(self, request: Request, subscription_id: str) -> Response:
        row = selectors.subscription_get(context=self.ctx, subscription_id=subscription_id)
        return Response(SubscriptionSerializer(row).data)

    @extend_schema(
        operation_id="subscriptions_update",
        request=s.SubscriptionUpdateSerializer,
        responses=SubscriptionSerializer,
    )
    def post(self, request: Request, subscription_id: str) -> Response:
        data = validated(s.SubscriptionUpdateSerializer, request.data)
        row = subscriptions.subscription_update(
            context=self.ctx, subscription_id=subscription_id, params=s.update_params(data)
        )
        return Response(SubscriptionSerializer(row).data)


class SubscriptionCancelView(BillingView):
    operations = {"POST": "cancel_subscription"}

    @extend_schema(
        operation_id="subscriptions_cancel",
        request=s.SubscriptionCancelSerializer,
        responses=SubscriptionSerializer,
    )
    def post(self, request: Request, subscription_id: str) -> Response:
        data = validated(s.SubscriptionCancelSerializer, request.data)
        row = subscriptions.subscription_cancel(
            context=self.ctx, subscription_id=subscription_id, **data
        )
        return Response(SubscriptionSerializer(row).data)


class SubscriptionPauseView(BillingView):
    operations = {"POST": "pause_subscription"}

    @extend_schema(
        operation_id="subscriptions_pause",
        request=s.SubscriptionPauseSerializer,
        responses=SubscriptionSerializer,
    )
    def post(self, request: Request, subscription_id: str) -> Response:
        data = validated(s.SubscriptionPauseSerializer, request.data)
        row = subscriptions.subscription_pause(
            context=self.ctx, subscription_id=subscription_id, **data
        )
        return Response(SubscriptionSerializer(row).data)


class SubscriptionResumeView(BillingView):
    operations = {"POST": "resume_subscription"}

    @extend_schema(
        operation_id="subscriptions_resume",
        request=s.SubscriptionResumeSerializer,
        responses=SubscriptionSerializer,
    )
    def post(self, request: Request, subscription_id: str) -> Response:
        data = validated(s.SubscriptionResumeSerializer, request.data)
        row = subscriptions.subscription_resume(
            context=self.ctx,
            subscription_id=subscription_id,
            billing_cycle_anchor=data["billing_cycle_anchor"],
        )
        return Response(SubscriptionSerializer(row).data)


class SubscriptionDiscountView(BillingView):
    operations = {"DELETE": "delete_subscription_discount"}

    @extend_schema(operation_id="subscriptions_discount_delete", responses=SubscriptionSerializer)
    def delete(self, request: Request, subscription_id: str) -> Response:
        row = subscriptions.subscription_discount_delete(
            context=self.ctx, subscription_id=subscription_id
        )
        return Response(SubscriptionSerializer(row).data)


class InvoiceListView(BillingView):
    operations = {"GET": "list_invoices", "POST": "create_invoice"}

    @extend_schema(operation_id="invoices_list", responses=list_serializer(InvoiceSerializer))
    def get(self, request: Request) -> Response:
        rows = selectors.invoice_list(
            context=self.ctx,
            customer=request.query_params.get("customer"),
            subscription=request.query_params.get("subscription"),
            status=request.query_params.get("status"),
        )
        return Response(paginate(request, rows, InvoiceSerializer))

    @extend_schema(
        operation_id="invoices_create",
        request=s.InvoiceCreateSerializer,
        responses={201: InvoiceSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(s.InvoiceCreateSerializer, request.data)
        invoice = invoices.invoice_create_manual(
            context=self.ctx,
            customer_id=data.pop("customer"),
            subscription_id=data.pop("subscription", None),
            **data,
        )
        return Response(InvoiceSerializer(invoice).data, status=201)


class InvoiceUpcomingView(BillingView):
    operations = {"GET": "preview_invoice"}

    @extend_schema(operation_id="invoices_upcoming", responses=dict)
    def get(self, request: Request) -> Response:
        from mcp_payments.api.errors import InvalidRequest

        subscription_id = request.query_params.get("subscription")
        if not subscription_id:
            raise InvalidRequest(
                "Missing required parameter: subscription.",
                code="parameter_missing",
                param="subscription",
            )
        data = validated(s.SubscriptionUpdateSerializer, s.bracketed(request.query_params))
        preview = subscriptions.invoice_upcoming(
            context=self.ctx, subscription_id=subscription_id, params=s.update_params(data)
        )
        return Response(preview)


class InvoiceDetailView(BillingView):
    operations = {"GET": "get_invoice"}

    @extend_schema(operation_id="invoices_retrieve", responses=InvoiceSerializer)
    def get(self, request: Request, invoice_id: str) -> Response:
        invoice = selectors.invoice_get(context=self.ctx, invoice_id=invoice_id)
        return Response(InvoiceSerializer(invoice).data)


class InvoiceLinesView(BillingView):
    operations = {"GET": "list_invoice_lines"}

    @extend_schema(operation_id="invoices_lines", responses=list_serializer(InvoiceLineSerializer))
    def get(self, request: Request, invoice_id: str) -> Response:
        lines = selectors.invoice_lines(context=self.ctx, invoice_id=invoice_id)
        return Response(paginate(request, lines, InvoiceLineSerializer))


class InvoiceActionView(BillingView):
    """finalize, void, mark_uncollectible: no body, the invoice back."""

    service = staticmethod(invoices.invoice_finalize)

    def post(self, request: Request, invoice_id: str) -> Response:
        validated(s.StrictSerializer, request.data)
        invoice = self.service(context=self.ctx, invoice_id=invoice_id)
        return Response(InvoiceSerializer(invoice).data)


class InvoiceFinalizeView(InvoiceActionView):
    operations = {"POST": "finalize_invoice"}

    @extend_schema(operation_id="invoices_finalize", request=None, responses=InvoiceSerializer)
    def post(self, request: Request, invoice_id: str) -> Response:
        return super().post(request, invoice_id)


class InvoiceVoidView(InvoiceActionView):
    operations = {"POST": "void_invoice"}
    service = staticmethod(invoices.invoice_void)

    @extend_schema(operation_id="invoices_void", request=None, responses=InvoiceSerializer)
    def post(self, request: Request, invoice_id: str) -> Response:
        return super().post(request, invoice_id)


class InvoiceUncollectibleView(InvoiceActionView):
    operations = {"POST": "mark_uncollectible_invoice"}
    service = staticmethod(invoices.invoice_mark_uncollectible)

    @extend_schema(
        operation_id="invoices_mark_uncollectible", request=None, responses=InvoiceSerializer
    )
    def post(self, request: Request, invoice_id: str) -> Response:
        return super().post(request, invoice_id)


class InvoicePayView(BillingView):
    operations = {"POST": "pay_invoice"}
    approvable = True
    url_arguments = {"invoice_id": "id"}  # an approved payment runs pay_invoice

    @extend_schema(
        operation_id="invoices_pay", request=s.InvoicePaySerializer, responses=InvoiceSerializer
    )
    def post(self, request: Request, invoice_id: str) -> Response:
        data = validated(s.InvoicePaySerializer, request.data)
        invoice = invoices.invoice_pay(context=self.ctx, invoice_id=invoice_id, **data)
        invoice.refresh_from_db()
        return Response(InvoiceSerializer(invoice).data)


class InvoiceItemListView(BillingView):
    operations = {"GET": "list_invoice_items", "POST": "create_invoice_item"}

    @extend_schema(
        operation_id="invoice_items_list", responses=list_serializer(InvoiceItemSerializer)
    )
    def get(self, request: Request) -> Response:
        rows = selectors.invoice_item_list(
            context=self.ctx, customer=request.query_params.get("customer")
        )
        return Response(paginate(request, rows, InvoiceItemSerializer))

    @extend_schema(
        operation_id="invoice_items_create",
        request=s.InvoiceItemCreateSerializer,
        responses={201: InvoiceItemSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(s.InvoiceItemCreateSerializer, request.data)
        item = catalog.invoice_item_create(context=self.ctx, **data)
        return Response(InvoiceItemSerializer(item).data, status=201)


class CouponListView(BillingView):
    operations = {"GET": "list_coupons", "POST": "create_coupon"}

    @extend_schema(operation_id="coupons_list", responses=list_serializer(CouponSerializer))
    def get(self, request: Request) -> Response:
        return Response(
            paginate(request, selectors.coupon_list(context=self.ctx), CouponSerializer)
        )

    @extend_schema(
        operation_id="coupons_create",
        request=s.CouponCreateSerializer,
        responses={201: CouponSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(s.CouponCreateSerializer, request.data)
        coupon = catalog.coupon_create(context=self.ctx, **data)
        return Response(CouponSerializer(coupon).data, status=201)


class CouponDetailView(BillingView):
    operations = {"GET": "get_coupon", "DELETE": "delete_coupon"}

    @extend_schema(operation_id="coupons_retrieve", responses=CouponSerializer)
    def get(self, request: Request, coupon_id: str) -> Response:
        coupon = selectors.coupon_get(context=self.ctx, coupon_id=coupon_id)
        return Response(CouponSerializer(coupon).data)

    @extend_schema(operation_id="coupons_delete", responses=CouponSerializer)
    def delete(self, request: Request, coupon_id: str) -> Response:
        coupon = catalog.coupon_delete(context=self.ctx, coupon_id=coupon_id)
        return Response({**CouponSerializer(coupon).data, "deleted": True})


class TestClockListView(BillingView):
    operations = {"GET": "list_test_clocks", "POST": "create_test_clock"}
    __test__ = False

    @extend_schema(operation_id="test_clocks_list", responses=list_serializer(TestClockSerializer))
    def get(self, request: Request) -> Response:
        clocks = selectors.test_clock_list(context=self.ctx)
        return Response(paginate(request, clocks, TestClockSerializer))

    @extend_schema(
        operation_id="test_clocks_create",
        request=s.TestClockCreateSerializer,
        responses={201: TestClockSerializer},
    )
    def post(self, request: Request) -> Response:
        data = validated(s.TestClockCreateSerializer, request.data)
        clock = test_clocks.test_clock_create(context=self.ctx, **data)
        return Response(TestClockSerializer(clock).data, status=201)


class TestClockDetailView(BillingView):
    operations = {"GET": "get_test_clock", "DELETE": "delete_test_clock"}
    __test__ = False

    @extend_schema(operation_id="test_clocks_retrieve", responses=TestClockSerializer)
    def get(self, request: Request, clock_id: str) -> Response:
        clock = selectors.test_clock_get(context=self.ctx, clock_id=clock_id)
        return Response(TestClockSerializer(clock).data)

    @extend_schema(operation_id="test_clocks_delete", responses=dict)
    def delete(self, request: Request, clock_id: str) -> Response:
        test_clocks.test_clock_delete(context=self.ctx, clock_id=clock_id)
        return Response({"id": clock_id, "object": "test_clock", "deleted": True})


class TestClockAdvanceView(BillingView):
    operations = {"POST": "advance_test_clock"}
    __test__ = False

    @extend_schema(
        operation_id="test_clocks_advance",
        request=s.TestClockAdvanceSerializer,
        responses=TestClockSerializer,
    )
    def post(self, request: Request, clock_id: str) -> Response:
        data = validated(s.TestClockAdvanceSerializer, request.data)
        clock = test_clocks.test_clock_advance(
            context=self.ctx, clock_id=clock_id, frozen_time=data["frozen_time"]
        )
        return Response(TestClockSerializer(clock).data)
