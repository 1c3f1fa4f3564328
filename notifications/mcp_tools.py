"""MCP tools over webhook deliveries."""

from typing import Any

from rest_framework import serializers

from mcp_payments.mcp.registry import Effect, IdInput, ListInput, ToolCall, tool

from . import selectors
from .representations import WebhookDeliverySerializer
from .services.deliveries import webhook_delivery_retry


class DeliveryListInput(ListInput):
    webhook_endpoint = serializers.CharField(max_length=40, help_text="The endpoint (we_…).")
    status = serializers.CharField(max_length=16, required=False)


@tool(
    "list_webhook_deliveries",
    scope="webhooks:read",
    input=DeliveryListInput,
    output=WebhookDeliverySerializer,
    is_list=True,
    title="List webhook deliveries",
    description="An endpoint's deliveries, newest first, each with its attempts (status code, "
    "latency, response excerpt, error).",
)
def list_webhook_deliveries(call: ToolCall, data: dict[str, Any]):
    return selectors.webhook_delivery_list(
        context=call.context, endpoint_id=data["webhook_endpoint"], status=data.get("status")
    )


@tool(
    "retry_webhook_delivery",
    scope="webhooks:write",
    input=IdInput,
    output=WebhookDeliverySerializer,
    effect=Effect.WRITE,
    idempotent=False,
    open_world=True,
    title="Retry a webhook delivery now",
    description="Send a delivery (whd_…) again now: one attempt, recorded with the others.",
)
def retry_webhook_delivery(call: ToolCall, data: dict[str, Any]):
    return webhook_delivery_retry(context=call.context, delivery_id=data["id"])
