"""The block list read by risk scoring (`compliance.risk`): add (with an optional expiry) and
remove, each one transaction with its event and audit row. Removal is soft, so a backtest sees
the list as it was. A merchant manages its own entries (REST, MCP); platform staff manage any
merchant's and the global ones (the back office)."""

import ipaddress
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from compliance.exceptions import BlockListEntryNotFound
from compliance.models import BlockListEntry
from mcp_payments.accounts.context import AuthContext
from mcp_payments.api.errors import ApplicationError, InvalidRequest
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit


class BlockListForbidden(ApplicationError):
    type = "permission_error"
    code = "block_list_forbidden"
    status = 403
    message = "Only a merchant or platform staff manage the block list."


def _owner(context: AuthContext, merchant_id: str | None) -> str | None:
    """The merchant an entry is for: the caller's own merchant, or for platform staff acting for
    none the one they name (None: all merchants). 403 for anyone else."""
    if context.merchant is not None:
        return context.merchant.id
    if not context.is_platform_staff:
        raise BlockListForbidden()
    return merchant_id or None


def normalize_value(kind: str, value: str) -> str:
    """The stored form of a value: emails and domains lower-cased, IPs in canonical form.
    400 `invalid_request` for an unknown kind (`param: kind`), an empty value, or an IP or email
    that is not one (`param: value`)."""
    if kind not in BlockListEntry.Kind.values:
        raise InvalidRequest(f"Unknown block list kind: '{kind}'", param="kind")
    value = value.strip()
    if not value:
        raise InvalidRequest("A value to block is required.", param="value")
    if kind in (BlockListEntry.Kind.EMAIL, BlockListEntry.Kind.EMAIL_DOMAIN):
        value = value.lower()
        if kind == BlockListEntry.Kind.EMAIL and "@" not in value:
            raise InvalidRequest("An email block needs an email address.", param="value")
        if kind == BlockListEntry.Kind.EMAIL_DOMAIN and ("@" in value or "." not in value):
            raise InvalidRequest(
                "An email_domain block needs a domain such as example.com.", param="value"
            )
    if kind == BlockListEntry.Kind.IP:
        try:
            value = str(ipaddress.ip_address(value))
        except ValueError:
            raise InvalidRequest(f"Not an IP address: '{value}'.", param="value") from None
    return value


def block_list_entries(*, context: AuthContext) -> QuerySet[BlockListEntry]:
    """Live entries (not removed, not expired) of the caller's merchant, newest first; platform
    staff without a merchant see every merchant's and the global ones."""
    now = timezone.now()
    entries = BlockListEntry.objects.filter(deleted_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    if context.merchant is not None:
        entries = entries.filter(merchant_id=context.merchant.id)
    return entries.order_by("-created", "-id")


def block_list_add(
    *,
    context: AuthContext,
    kind: str,
    value: str,
    merchant_id: str | None = None,
    reason: str = "",
    expires_at: datetime | None = None,
) -> BlockListEntry:
    """Block `value` of `kind` (fingerprint, email, email_domain, ip, customer) for the caller's
    merchant; platform staff acting for no merchant name `merchant_id` (None: all merchants).
    400 for a bad kind or value or an expiry in the past; 403 `block_list_forbidden` for a caller
    that is neither. Emits `risk.block_list_entry_created`; audited (`block_list.added`)."""
    merchant_id = _owner(context, merchant_id)
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidRequest("expires_at must be in the future.", param="expires_at")
    value = normalize_value(kind, value)
    with transaction.atomic():
        entry = BlockListEntry.objects.create(
            merchant_id=merchant_id, kind=kind, value=value, reason=reason, expires_at=expires_at
        )
        emit("risk.block_list_entry_created", entry, merchant_id=merchant_id)
        audit_record(
            context=context,
            action="block_list.added",
            object_type="block_list_entry",
            object_id=entry.id,
            merchant_id=merchant_id,
            after={"kind": kind, "value": value, "reason": reason, "expires_at": expires_at},
        )
        return entry


def block_list_remove(*, context: AuthContext, entry_id: str) -> BlockListEntry:
    """Unblock: remove an entry (soft: `deleted_at`). 404 for another merchant's or a removed
    entry; 403 for a caller neither merchant nor staff. Emits `risk.block_list_entry_deleted`;
    audited (`block_list.removed`, with what it blocked)."""
    _owner(context, None)
    with transaction.atomic():
        entries = BlockListEntry.objects.select_for_update().filter(deleted_at__isnull=True)
        if context.merchant is not None:
            entries = entries.filter(merchant_id=context.merchant.id)
        entry = entries.filter(pk=entry_id).first()
        if entry is None:
            raise BlockListEntryNotFound(f"No such block list entry: '{entry_id}'", param="id")
        entry.deleted_at = timezone.now()
        entry.save(update_fields=["deleted_at"])
        emit("risk.block_list_entry_deleted", entry, merchant_id=entry.merchant_id)
        audit_record(
            context=context,
            action="block_list.removed",
            object_type="block_list_entry",
            object_id=entry.id,
            merchant_id=entry.merchant_id,
            before={"kind": entry.kind, "value": entry.value, "reason": entry.reason},
        )
        return entry
