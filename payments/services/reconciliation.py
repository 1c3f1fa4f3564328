"""Reconciliation with the provider: payments stuck in `processing` (a lost answer, a crash mid
call of a confirm, a capture or a cancel) are resolved from the provider's own record; the daily
settlement report compares the provider's captures with the ledger and opens a compliance alert
on any difference."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from compliance.alerts import alert_open
from payments.enums import PaymentStatus
from payments.models import Payment
from payments.providers import get_provider
from payments.providers.base import ChargeResult
from payments.services.payments import payment_book_canceled, payment_book_outcome


def payments_reconcile_processing(*, limit: int = 200) -> int:
    """Ask the provider about payments `processing` for longer than RECONCILE_AFTER_SECONDS and
    book the answer. Returns how many were resolved."""
    cutoff = timezone.now() - timedelta(seconds=settings.RECONCILE_AFTER_SECONDS)
    stuck = list(
        Payment.objects.filter(status=PaymentStatus.PROCESSING, updated__lt=cutoff)
        .select_related("payment_method")
        .order_by("updated")[:limit]
    )
    resolved = 0
    provider = get_provider()
    for payment in stuck:
        status = provider.status(reference=payment.id)
        if status.state == "captured":
            result = ChargeResult("captured", status.charge_id, status.amount_captured)
        elif status.state == "authorized":
            result = ChargeResult("authorized", status.charge_id)
        elif status.state == "voided" and payment.cancellation_reason:
            # A cancel recorded its intent, the provider voided, the booking never happened.
            payment_book_canceled(context=None, payment_id=payment.id)
            resolved += 1
            continue
        elif status.state in ("declined", "unknown", "voided"):
            result = ChargeResult(
                "declined",
                status.charge_id,
                decline_code=None,
                message="The provider has no successful charge for this payment.",
            )
        else:
            continue
        payment_book_outcome(
            context=None, payment_id=payment.id, result=result, error_code="processing_error"
        )
        resolved += 1
    return resolved


@dataclass(frozen=True)
class SettlementReport:
    day: date
    provider_total: dict[str, int]
    ledger_total: dict[str, int]
    mismatched: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatched


def settlement_report(*, day: date) -> SettlementReport:
    """Compare what the provider captured on `day` with what our payments booked that day, per
    currency; open a `settlement_mismatch` alert for each difference."""
    provider_total: dict[str, int] = {}
    for capture in get_provider().captures_on(day=day):
        provider_total[capture.currency] = provider_total.get(capture.currency, 0) + capture.amount
    ledger_total = {
        row["currency"]: int(row["total"])
        for row in Payment.objects.filter(captured_at__date=day)
        .values("currency")
        .annotate(total=Sum("amount_received"))
    }
    mismatched = sorted(
        currency
        for currency in set(provider_total) | set(ledger_total)
        if provider_total.get(currency, 0) != ledger_total.get(currency, 0)
    )
    for currency in mismatched:
        alert_open(
            kind="settlement_mismatch",
            severity="high",
            dedupe_key=f"settlement_mismatch:{day.isoformat()}:{currency}",
            merchant_id=None,
            object_id=f"{day.isoformat()}:{currency}",
            details={
                "day": day.isoformat(),
                "currency": currency,
                "provider": provider_total.get(currency, 0),
                "ledger": ledger_total.get(currency, 0),
            },
        )
    return SettlementReport(day, provider_total, ledger_total, mismatched)
