"""The attributes rules and the model read, computed as of each payment's time from PostgreSQL
(history counts by window, block-list entries valid at that time). One code path for the live
confirm and the backtest."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q

from payments.risk_history import HistorySubject, payment_history_as_of

from ..models import BlockListEntry
from .geo import ip_country


@dataclass(frozen=True)
class RiskSubject:
    """One payment attempt as the risk engine sees it. `at` is the payment's creation time;
    `payment_id` None for a payment not saved yet. Amount in minor units of `currency`."""

    key: str
    merchant_id: str
    at: datetime
    amount: int
    currency: str
    fingerprint: str | None
    card_brand: str | None
    card_country: str | None
    card_funding: str | None
    customer_id: str | None
    email: str | None
    ip_address: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    payment_id: str | None = None
    provider_signal: str | None = None


def risk_subject_for(payment: Any, provider_signal: str | None = None) -> RiskSubject:
    """The RiskSubject of a payment with a payment method (saved or not), as of its creation."""
    method = payment.payment_method
    return RiskSubject(
        key=payment.id,
        merchant_id=payment.merchant_id,
        at=payment.created,
        amount=payment.amount,
        currency=payment.currency,
        fingerprint=method.fingerprint,
        card_brand=method.brand,
        card_country=method.country,
        card_funding=method.funding,
        customer_id=payment.customer_id,
        email=payment.customer.email if payment.customer else None,
        ip_address=payment.ip_address,
        metadata=payment.metadata,
        payment_id=payment.id,
        provider_signal=provider_signal,
    )


def _email_domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].lower()


def _block_values(subject: RiskSubject) -> dict[str, str | None]:
    return {
        BlockListEntry.Kind.FINGERPRINT: subject.fingerprint,
        BlockListEntry.Kind.EMAIL: subject.email.lower() if subject.email else None,
        BlockListEntry.Kind.EMAIL_DOMAIN: _email_domain(subject.email),
        BlockListEntry.Kind.IP: subject.ip_address,
        BlockListEntry.Kind.CUSTOMER: subject.customer_id,
    }


_BLOCK_ATTRIBUTE = {
    BlockListEntry.Kind.FINGERPRINT: "is_blocked_card",
    BlockListEntry.Kind.EMAIL: "is_blocked_email",
    BlockListEntry.Kind.EMAIL_DOMAIN: "is_blocked_email_domain",
    BlockListEntry.Kind.IP: "is_blocked_ip",
    BlockListEntry.Kind.CUSTOMER: "is_blocked_customer",
}


def _block_entries(subjects: list[RiskSubject]) -> list[BlockListEntry]:
    condition = Q()
    for subject in subjects:
        for kind, value in _block_values(subject).items():
            if value:
                condition |= Q(kind=kind, value=value)
    if not condition:
        return []
    merchants = {subject.merchant_id for subject in subjects}
    return list(
        BlockListEntry.objects.filter(condition).filter(
            Q(merchant_id__in=merchants) | Q(merchant_id__isnull=True)
        )
    )


def _valid_at(entry: BlockListEntry, subject: RiskSubject) -> bool:
    return (
        (entry.merchant_id is None or entry.merchant_id == subject.merchant_id)
        and entry.created <= subject.at
        and (entry.expires_at is None or entry.expires_at > subject.at)
        and (entry.deleted_at is None or entry.deleted_at > subject.at)
    )


def compute_attributes(subjects: list[RiskSubject]) -> dict[str, dict[str, Any]]:
    """{subject.key: {attribute: value}} for every name of expression.ATTRIBUTES except
    `risk_score` (the model's, added by the scorer). Two queries for any number of subjects."""
    history = payment_history_as_of(
        [
            HistorySubject(
                key=subject.key,
                merchant_id=subject.merchant_id,
                at=subject.at,
                fingerprint=subject.fingerprint,
                customer_id=subject.customer_id,
                ip_address=subject.ip_address,
                payment_id=subject.payment_id,
            )
            for subject in subjects
        ]
    )
    entries = _block_entries(subjects)
    result: dict[str, dict[str, Any]] = {}
    for subject in subjects:
        values = _block_values(subject)
        attributes: dict[str, Any] = {
            "amount": subject.amount,
            "currency": subject.currency.lower(),
            "card_brand": subject.card_brand,
            "card_country": subject.card_country,
            "card_funding": subject.card_funding,
            "ip_country": ip_country(subject.ip_address),
            "email_domain": values[BlockListEntry.Kind.EMAIL_DOMAIN],
            **history[subject.key],
        }
        for kind, name in _BLOCK_ATTRIBUTE.items():
            attributes[name] = any(
                entry.kind == kind and entry.value == values[kind] and _valid_at(entry, subject)
                for entry in entries
            )
        result[subject.key] = attributes
    return result
