"""KYC limits: the building block the payment and payout services call before moving money."""

from django.conf import settings

from .exceptions import KycLimitExceeded
from .models import CustomerKyc, KycStatus


def kyc_status(customer_id: str) -> str:
    """The customer's KYC state (`unverified` without a record)."""
    status = (
        CustomerKyc.objects.filter(customer_id=customer_id).values_list("status", flat=True).first()
    )
    return status or KycStatus.UNVERIFIED


def kyc_limit(status: str) -> int | None:
    """The largest single amount (minor units, any currency) a customer in `status` may pay or be
    paid out; None: no limit. settings.KYC_LIMITS."""
    return settings.KYC_LIMITS.get(status)


def kyc_check_amount(*, customer_id: str | None, amount: int, currency: str) -> None:
    """Raise KycLimitExceeded (403 `kyc_limit_exceeded`, param `amount`) when `amount` is over
    the limit of the customer's KYC state. No customer: no KYC limit. Read only (one query)."""
    if customer_id is None:
        return
    status = kyc_status(customer_id)
    limit = kyc_limit(status)
    if limit is not None and amount > limit:
        raise KycLimitExceeded(
            f"This customer's KYC status is {status}: at most {limit} "
            f"({currency.lower()} minor units) per payment or payout."
        )
