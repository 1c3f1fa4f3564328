"""Block-list entries: add (with an optional expiry) and remove, each one transaction with its
event and audit row. Removal is soft, so a backtest sees the list as it was."""

import ipaddress
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from compliance.audit import audit_record
from compliance.exceptions import BlockListEntryNotFound
from compliance.models import BlockListEntry
from mcp_payments.accounts.context import AuthContext
from mcp_payments.api.errors import InvalidRequest
from mcp_payments.events.services import emit


def normalize_value(kind: str, value: str) -> str:
    """The stored form of a value: emails and domains lower-cased, IPs in canonical form.
    400 (`param: value`) for an IP or email that is not one."""
    value = value.strip()
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
    if not value:
        raise InvalidRequest("The value is empty.", param="value")
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
    reason: str = "",
    expires_at: datetime | None = None,
) -> BlockListEntry:
    """Block `value` of `kind` for the caller's merchant (platform staff without a merchant: for
    all merchants). 400 for an expiry in the past. Emits `risk.block_list_entry_created`;
    audited."""
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidRequest("expires_at must be in the future.", param="expires_at")
    value = normalize_value(kind, value)
    merchant_id = context.merchant.id if context.merchant is not None else None
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
    """Remove an entry (soft: `deleted_at`). 404 for another merchant's or a removed entry.
    Emits `risk.block_list_entry_deleted`; audited."""
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
            before={"kind": entry.kind, "value": entry.value},
        )
        return entry
