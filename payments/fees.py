"""Card pricing: `percent_bps` of the amount plus a fixed fee, per merchant and currency.

Rounding rule (documented in docs/api.md): the percentage part is rounded half up to the minor
unit, in integers only — `(amount * bps + 5_000) // 10_000` — then the fixed fee is added; the fee
never exceeds the amount.
"""

from dataclasses import dataclass

from django.conf import settings

from .models import MerchantPricing


@dataclass(frozen=True)
class Pricing:
    percent_bps: int
    fixed_fee: int
    dispute_fee: int
    settlement_delay_seconds: int


def pricing_for(merchant_id: str, currency: str) -> Pricing:
    row = MerchantPricing.objects.filter(merchant_id=merchant_id, currency=currency).first()
    if row is None:
        return Pricing(
            settings.DEFAULT_CARD_FEE_BPS,
            settings.DEFAULT_CARD_FEE_FIXED,
            settings.DEFAULT_DISPUTE_FEE,
            settings.DEFAULT_SETTLEMENT_DELAY_SECONDS,
        )
    return Pricing(row.percent_bps, row.fixed_fee, row.dispute_fee, row.settlement_delay_seconds)


def card_fee(amount: int, pricing: Pricing) -> int:
    percentage = (amount * pricing.percent_bps + 5_000) // 10_000
    return min(amount, percentage + pricing.fixed_fee)
