"""The payments app's entries in the agent operation registry (`mcp_payments.agents.operations`):
how an approved REST-only call runs again. Tools' operations are registered by the MCP layer."""

from typing import Any

from mcp_payments.accounts.context import AuthContext
from mcp_payments.api.serializers import valid
from payments.api.serializers import PaymentConfirmSerializer
from payments.representations import PaymentSerializer
from payments.services.payments import payment_confirm


def confirm_payment(context: AuthContext, arguments: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """`POST /payments/{id}/confirm` with its stored body: (200, the payment)."""
    body = {key: value for key, value in arguments.items() if key != "id"}
    serializer = valid(PaymentConfirmSerializer, body)
    payment = payment_confirm(
        context=context,
        payment_id=arguments["id"],
        payment_method=serializer.validated_data.get("payment_method"),
    )
    return 200, dict(PaymentSerializer(payment).data)
