"""Reads of the audit log: tenant-scoped lists and chain verification."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from mcp_payments.accounts.context import AuthContext

from ..chain import CHAIN_FIELDS, CONTENT_FIELDS, GENESIS_HASH, entry_hash
from ..models import AuditEntry

LIST_FILTERS = ("action", "object_id", "actor_id")


def audit_entry_list(*, context: AuthContext, filters: dict[str, Any] | None = None) -> QuerySet:
    """A merchant's entries (the context's merchant); every entry for platform staff acting
    across merchants. `filters` may hold exact `action`, `object_id`, `actor_id`."""
    entries = AuditEntry.objects.all()
    if context.merchant is not None:
        entries = entries.filter(merchant_id=context.merchant.id)
    elif not context.is_platform_staff:
        return entries.none()
    for name in LIST_FILTERS:
        value = (filters or {}).get(name)
        if value is not None:
            entries = entries.filter(**{name: value})
    return entries


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_position: int | None = None
    first_broken_id: str | None = None
    reason: str | None = None


def audit_verify() -> VerifyResult:
    """Walk the sealed chain in order, recomputing each hash and link.

    `checked` counts the entries found intact before the first broken one (all of them when
    `ok`). Detects altered content, altered or reordered links and missing entries inside the
    chain. Does not seal: call `audit_seal_and_verify` for the full check.
    """
    entries = (
        AuditEntry.objects.filter(chain_position__isnull=False)
        .order_by("chain_position")
        .values(*CONTENT_FIELDS, *CHAIN_FIELDS)
    )
    expected_position, prev_hash, checked = 1, GENESIS_HASH, 0
    for row in entries.iterator(chunk_size=2000):
        position = row["chain_position"]
        reason = None
        if position != expected_position:
            reason = f"chain_position {expected_position} is missing (next found: {position})."
        elif row["prev_hash"] != prev_hash:
            reason = "prev_hash does not match the hash of the previous entry."
        elif row["hash"] != entry_hash(content=row, prev_hash=prev_hash, chain_position=position):
            reason = "hash does not match the entry's content."
        if reason is not None:
            return VerifyResult(
                ok=False,
                checked=checked,
                first_broken_position=position,
                first_broken_id=row["id"],
                reason=reason,
            )
        checked += 1
        expected_position += 1
        prev_hash = row["hash"]
    return VerifyResult(ok=True, checked=checked)
