"""MCP tools and resources over customers (the same services, selectors and representations as
`payments/api/`)."""

from typing import Any

from rest_framework import serializers

from mcp_payments.mcp.registry import Effect, IdInput, ListInput, ToolCall, resource, tool
from payments import selectors
from payments.api.serializers import CustomerWriteSerializer
from payments.models import Customer
from payments.representations import CustomerSerializer
from payments.services import customers as customer_services


@tool(
    "create_customer",
    scope="customers:write",
    input=CustomerWriteSerializer,
    output=CustomerSerializer,
    effect=Effect.WRITE,
    title="Create a customer",
    description="Create a customer of the merchant (name, email, phone, description, metadata); "
    "all fields optional. Returns the customer.",
)
def create_customer(call: ToolCall, data: dict[str, Any]) -> Customer:
    return customer_services.customer_create(context=call.context, **data)


@tool(
    "get_customer",
    scope="customers:read",
    input=IdInput,
    output=CustomerSerializer,
    title="Get a customer",
    description="Retrieve one customer by id (cus_…). An erased customer shows only its id and "
    "deleted: true.",
)
def get_customer(call: ToolCall, data: dict[str, Any]) -> Customer:
    return selectors.customer_get(context=call.context, customer_id=data["id"])


class CustomerListInput(ListInput):
    email = serializers.CharField(max_length=512, required=False, help_text="Exact email.")


@tool(
    "list_customers",
    scope="customers:read",
    input=CustomerListInput,
    output=CustomerSerializer,
    is_list=True,
    title="List customers",
    description="The merchant's customers, newest first, a page at a time (limit, "
    "starting_after = the previous page's next_cursor); optionally by exact email.",
)
def list_customers(call: ToolCall, data: dict[str, Any]):
    return selectors.customer_list(context=call.context, email=data.get("email"))


@resource(
    "customers",
    scope="customers:read",
    output=CustomerSerializer,
    name="customer",
    description="A customer as the REST API shows it (GET /api/v1/customers/{id}).",
)
def customer_resource(call: ToolCall, customer_id: str) -> Customer:
    return selectors.customer_get(context=call.context, customer_id=customer_id)


# The payment, refund, dispute, top-up and risk review tools live in their own module.
from . import mcp_payment_tools  # noqa: E402, F401
