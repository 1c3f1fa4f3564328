"""Moved to the shared kernel: `mcp_payments.audit.records` (kept as an alias for older imports)."""

from mcp_payments.audit.records import (
    REDACTED,
    SECRET_KEYS,
    AuditAction,
    audit_record,
    audit_record_many,
    redact,
)

__all__ = ["REDACTED", "SECRET_KEYS", "AuditAction", "audit_record", "audit_record_many", "redact"]
