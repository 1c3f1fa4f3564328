"""The block list read by risk scoring (`compliance.risk`): values that block payments.

Entries are configuration, like API keys: each change is audited, no domain event is raised.
Only platform staff manage it today (the back office); merchant rules, expiry and new kinds
come with the risk engine."""

from django.db import transaction

from compliance.models import BlockListEntry
from mcp_payments.accounts.context import AuthContext
from mcp_payments.api.errors import ApplicationError, InvalidRequest, NotFound
from mcp_payments.audit.records import audit_record


class BlockListForbidden(ApplicationError):
    type = "permission_error"
    code = "block_list_forbidden"
    status = 403
    message = "Only platform staff manage the block list."


def _require_staff(context: AuthContext) -> None:
    if not context.is_platform_staff:
        raise BlockListForbidden()


def _checked_value(kind: str, value: str) -> str:
    value = value.strip()
    if kind not in BlockListEntry.Kind.values:
        raise InvalidRequest(f"Unknown block list kind: '{kind}'", param="kind")
    if not value:
        raise InvalidRequest("A value to block is required.", param="value")
    return value


def block_list_add(
    *,
    context: AuthContext,
    kind: str,
    value: str,
    merchant_id: str | None = None,
    reason: str = "",
) -> BlockListEntry:
    """Block `value` (a card fingerprint, customer email or customer id) for one merchant, or
    for all when `merchant_id` is None. Audited
    (`block_list.added`). 400 `invalid_request` for an unknown kind or an empty value; 403
    `block_list_forbidden` unless platform staff."""
    _require_staff(context)
    value = _checked_value(kind, value)
    with transaction.atomic():
        entry = BlockListEntry.objects.create(
            kind=kind, value=value, merchant_id=merchant_id or None, reason=reason
        )
        audit_record(
            context=context,
            action="block_list.added",
            object_type="block_list_entry",
            object_id=str(entry.pk),
            merchant_id=entry.merchant_id,
            after={"kind": kind, "value": value, "reason": reason},
        )
        return entry


def block_list_remove(*, context: AuthContext, entry_id: int) -> None:
    """Unblock: delete the entry. Audited (`block_list.removed`, with what it blocked). 404
    `resource_missing` for an unknown entry; 403 unless platform staff."""
    _require_staff(context)
    with transaction.atomic():
        entry = BlockListEntry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None:
            raise NotFound(f"No such block list entry: '{entry_id}'", param="id")
        before = {"kind": entry.kind, "value": entry.value, "reason": entry.reason}
        entry.delete()
        audit_record(
            context=context,
            action="block_list.removed",
            object_type="block_list_entry",
            object_id=str(entry_id),
            merchant_id=entry.merchant_id,
            before=before,
        )
