"""Customer PII in MCP traffic: kept out of the audit log, and out of read results for callers
without `customers:read`."""

from typing import Any

from mcp_payments.agents.redaction import PII_FIELDS, redact_arguments, redact_keys
from mcp_payments.audit.records import REDACTED

__all__ = ["PII_FIELDS", "redact_arguments", "redact_customer_pii"]


def redact_customer_pii(value: Any) -> Any:
    """A copy of `value` where every customer representation (and a customer event's
    `previous_attributes`) shows "[redacted]" for name, email and phone."""
    if isinstance(value, list):
        return [redact_customer_pii(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {key: redact_customer_pii(item) for key, item in value.items()}
    if result.get("object") == "customer":
        result = {
            key: REDACTED if key in PII_FIELDS and item is not None else item
            for key, item in result.items()
        }
    data = result.get("data")
    changed_customer = (
        isinstance(data, dict)
        and isinstance(data.get("object"), dict)
        and data["object"].get("object") == "customer"
        and "previous_attributes" in data
    )
    if changed_customer:
        result["data"] = {
            **data,
            "previous_attributes": redact_keys(data["previous_attributes"], PII_FIELDS),
        }
    return result
