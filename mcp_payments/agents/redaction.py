"""Customer PII in agents' calls: kept out of the audit log and out of approvals as shown."""

from typing import Any

from mcp_payments.audit.records import REDACTED, redact

PII_FIELDS = frozenset({"name", "email", "phone"})


def redact_arguments(arguments: dict[str, Any]) -> dict[str, Any]:
    """Call arguments as audited and shown: PII values and secret-named values replaced."""
    return redact(redact_keys(arguments, PII_FIELDS))


def redact_keys(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {
            key: REDACTED if key in keys and item is not None else redact_keys(item, keys)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_keys(item, keys) for item in value]
    return value
