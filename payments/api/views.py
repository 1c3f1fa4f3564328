from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, ScopePermission
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.serializers import deleted_serializer, valid
from mcp_payments.api.views import ApiView
from payments import selectors
from payments.representations import CustomerSerializer
from payments.services import customers as customer_services

from .serializers import CustomerWriteSerializer

# A customer erased (DELETE) reads back as the deleted shape.
_CustomerOrDeleted = PolymorphicProxySerializer(
    component_name="CustomerOrDeleted",
    serializers=[CustomerSerializer, deleted_serializer("customer")],
    resource_type_field_name=None,
)


class CustomerListView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "customers:read", "POST": "customers:write"}
    operations = {"GET": "list_customers", "POST": "create_customer"}

    @extend_schema(
        operation_id="customers_list",
        parameters=[OpenApiParameter("email", str, description="Exact email address")],
        responses=list_serializer(CustomerSerializer),
    )
    def get(self, request: Request) -> Response:
        customers = selectors.customer_list(
            context=self.ctx, email=request.query_params.get("email")
        )
        return Response(paginate(request, customers, CustomerSerializer))

    @extend_schema(
        operation_id="customers_create",
        request=CustomerWriteSerializer,
        responses={201: CustomerSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid(CustomerWriteSerializer, request.data)
        customer = customer_services.customer_create(context=self.ctx, **data.validated_data)
        return Response(CustomerSerializer(customer).data, status=201)


class CustomerDetailView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {
        "GET": "customers:read",
        "POST": "customers:write",
        "DELETE": "customers:write",
    }
    operations = {"GET": "get_customer", "POST": "update_customer", "DELETE": "delete_customer"}

    @extend_schema(operation_id="customers_retrieve", responses=_CustomerOrDeleted)
    def get(self, request: Request, customer_id: str) -> Response:
        customer = selectors.customer_get(context=self.ctx, customer_id=customer_id)
        return Response(CustomerSerializer(customer).data)

    @extend_schema(
        operation_id="customers_update",
        request=CustomerWriteSerializer,
        responses={200: CustomerSerializer},
    )
    def post(self, request: Request, customer_id: str) -> Response:
        data = valid(CustomerWriteSerializer, request.data)
        customer = customer_services.customer_update(
            context=self.ctx, customer_id=customer_id, **data.validated_data
        )
        return Response(CustomerSerializer(customer).data)

    @extend_schema(operation_id="customers_delete", responses={200: deleted_serializer("customer")})
    def delete(self, request: Request, customer_id: str) -> Response:
        customer = customer_services.customer_delete(context=self.ctx, customer_id=customer_id)
        return Response(CustomerSerializer(customer).data)
