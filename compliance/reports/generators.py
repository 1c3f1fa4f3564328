"""What each report kind contains (ANALYTICS.md §4). Each generator returns (columns, rows,
extra result fields); other apps are read through their selectors only."""

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.conf import settings

from mcp_payments.accounts.context import AuthContext
from mcp_payments.api.money import decimal_string
from mcp_payments.events.models import Event
from payments.selectors import payments_captured_at_or_above
from wallets.selectors import payouts_at_or_above, transfers_at_or_above

from ..chain import CHAIN_FIELDS, CONTENT_FIELDS
from ..models import Alert, AuditEntry
from ..services.audit import audit_seal_and_verify

Generated = tuple[list[str], list[dict[str, Any]], dict[str, Any]]
AML_ALERT_KINDS = ("large_transaction", "structuring")


def thresholds() -> tuple[dict[str, int], int]:
    """(per-currency thresholds, default threshold) in minor units."""
    return (
        dict(settings.AML_LARGE_TRANSACTION_THRESHOLDS),
        settings.AML_LARGE_TRANSACTION_THRESHOLD,
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def large_transactions(context: AuthContext, start: datetime, end: datetime) -> Generated:
    """Every payment (by capture time), payout and transfer (by creation) in the period at or
    above its currency's threshold, in time order."""
    per_currency, default = thresholds()
    args = {
        "context": context,
        "start": start,
        "end": end,
        "thresholds": per_currency,
        "default_threshold": default,
    }
    rows: list[dict[str, Any]] = []
    for payment in payments_captured_at_or_above(**args):
        rows.append(
            _large_row(
                "payment",
                payment.id,
                payment.merchant_id,
                payment.captured_at,
                payment.amount_received,
                payment.currency,
                payment.customer_id or "",
            )
        )
    for payout in payouts_at_or_above(**args):
        rows.append(
            _large_row(
                "payout",
                payout.id,
                payout.merchant_id,
                payout.created,
                payout.amount,
                payout.currency,
                payout.destination,
            )
        )
    for transfer in transfers_at_or_above(**args):
        rows.append(
            _large_row(
                "transfer",
                transfer.id,
                transfer.merchant_id,
                transfer.created,
                transfer.amount,
                transfer.currency,
                transfer.destination_wallet_id,
            )
        )
    rows.sort(key=lambda row: (row["occurred_at"], row["id"]))
    columns = [
        "type",
        "id",
        "merchant",
        "occurred_at",
        "currency",
        "amount",
        "amount_decimal",
        "threshold",
        "counterparty",
    ]
    return columns, rows, {"thresholds": {**per_currency, "default": default}}


def _large_row(
    kind: str,
    object_id: str,
    merchant_id: str,
    moment: datetime,
    amount: int,
    currency: str,
    counterparty: str,
) -> dict[str, Any]:
    per_currency, default = thresholds()
    return {
        "type": kind,
        "id": object_id,
        "merchant": merchant_id,
        "occurred_at": _iso(moment),
        "currency": currency,
        "amount": amount,
        "amount_decimal": decimal_string(amount, currency),
        "threshold": per_currency.get(currency, default),
        "counterparty": counterparty,
    }


def suspicious_activity(context: AuthContext, start: datetime, end: datetime) -> Generated:
    """AML alerts opened in the period (open and resolved) with their evidence: the
    `payment.succeeded` events of the payments each alert names (a SAR worksheet)."""
    alerts = Alert.objects.filter(kind__in=AML_ALERT_KINDS, created__gte=start, created__lt=end)
    if context.merchant is not None:
        alerts = alerts.filter(merchant_id=context.merchant.id)
    rows = []
    for alert in alerts.order_by("created", "id"):
        payments = alert.details.get("payments") or [alert.object_id]
        evidence = list(
            Event.objects.filter(type="payment.succeeded", object_id__in=payments)
            .order_by("id")
            .values_list("id", flat=True)
        )
        rows.append(
            {
                "alert": alert.id,
                "kind": alert.kind,
                "severity": alert.severity,
                "status": alert.status,
                "merchant": alert.merchant_id,
                "subject": alert.object_id,
                "opened_at": _iso(alert.created),
                "resolved_at": _iso(alert.resolved_at),
                "currency": alert.details.get("currency", ""),
                "amount": alert.details.get("amount", ""),
                "payments": " ".join(payments),
                "evidence_events": " ".join(evidence),
            }
        )
    columns = [
        "alert",
        "kind",
        "severity",
        "status",
        "merchant",
        "subject",
        "opened_at",
        "resolved_at",
        "currency",
        "amount",
        "payments",
        "evidence_events",
    ]
    return columns, rows, {}


def audit_export(context: AuthContext, start: datetime, end: datetime) -> Generated:
    """The hash-chained audit entries created in the period (the merchant's, or all) with the
    chain verification result: the chain is sealed, then verified end to end; a tampered entry
    is reported by id and position."""
    verification = asdict(audit_seal_and_verify())
    entries = AuditEntry.objects.filter(created__gte=start, created__lt=end)
    if context.merchant is not None:
        entries = entries.filter(merchant_id=context.merchant.id)
    columns = [*CONTENT_FIELDS, *CHAIN_FIELDS]
    rows = []
    for entry in entries.order_by("chain_position", "seq").values(*columns).iterator():
        rows.append(
            {
                name: _iso(value) if isinstance(value, datetime) else value
                for name, value in entry.items()
            }
        )
    return columns, rows, {"verification": verification}


GENERATORS = {
    "large_transactions": large_transactions,
    "suspicious_activity": suspicious_activity,
    "audit_export": audit_export,
}
