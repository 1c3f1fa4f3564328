"""`dry_run: true` on money-moving tools: the real service plans the call in planning mode
(`mcp_payments.agents.planning`: the provider is a predictor that calls nothing, Redis is only
read) inside a transaction that is then rolled back, so what the agent sees is what would
happen, and nothing stays or leaves the process: no provider call, no outbound request, no Redis
write, no rows, no events, no audit rows of the movement, no idempotency record, no daily-limit
spend. The provider's outcome is predicted for the sandbox's test cards, otherwise "unknown"."""

from typing import Any

from django.db import transaction

from mcp_payments.agents.enforcement import PolicyVerdict
from mcp_payments.agents.planning import planning
from mcp_payments.api.errors import ApplicationError, application_error_body
from wallets.selectors import postings_for_reference

from .registry import ToolCall, ToolSpec


def simulate(
    call: ToolCall, spec: ToolSpec, data: dict[str, Any], verdict: PolicyVerdict
) -> dict[str, Any]:
    """Run the tool's service and roll it back. A refusal by the service (insufficient funds, a
    frozen wallet, …) is reported as `error`; the policy verdict says whether the key's agent
    policy would let the call through (or send it for approval)."""
    amount, currency = spec.amount(data)
    would_create: dict[str, Any] | None = None
    postings: list[dict[str, Any]] = []
    fee = 0
    error: dict[str, Any] | None = None
    with planning() as predictions, transaction.atomic():
        try:
            result = spec.fn(call, data)
        except ApplicationError as exc:
            error = application_error_body(exc)["error"]
        else:
            would_create = spec.render(result)
            postings = postings_for_reference(reference_id=str(result.pk))
            fee = spec.fee(result)
        transaction.set_rollback(True)
    return {
        "object": "dry_run",
        "tool": spec.name,
        "would_create": would_create,
        "postings": postings,
        "fee": fee,
        "amount": amount,
        "currency": currency,
        "policy": verdict.as_dict(),
        "error": error,
        "provider_outcome": predictions[-1]["outcome"] if predictions else None,
        "provider_calls": [prediction["call"] for prediction in predictions],
    }
