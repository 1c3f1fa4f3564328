"""The provider interface. Services call only this; a Stripe or Adyen adapter implements it.

Every call takes the payment or refund id as the provider-side idempotency reference, has an
explicit timeout in the adapter, and either returns a result or raises:
`ProviderTimeout` (no answer: the outcome is unknown, reconcile later), `ProviderUnavailable`
(network or 5xx: retryable, nothing happened), `InvalidToken` (final). Declines are results, not
exceptions: they are the normal outcome of a final "no".
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol


class ProviderError(Exception):
    retryable = False


class ProviderUnavailable(ProviderError):
    retryable = True


class ProviderTimeout(ProviderError):
    retryable = True


class InvalidToken(ProviderError):
    pass


@dataclass(frozen=True)
class CardDetails:
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str
    risk_signal: str | None = None  # the provider's own fraud verdict, if any


Outcome = Literal["authorized", "captured", "declined", "requires_action"]


@dataclass(frozen=True)
class ChargeResult:
    outcome: Outcome
    charge_id: str | None = None
    amount_captured: int = 0
    decline_code: str | None = None
    message: str | None = None
    action_url: str | None = None
    dispute_expected: bool = False


@dataclass(frozen=True)
class ChargeStatus:
    """What the provider knows of a reference, for reconciliation."""

    state: Literal["unknown", "authorized", "captured", "declined", "voided"]
    charge_id: str | None = None
    amount_captured: int = 0


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    refund_id: str | None = None
    failure_reason: str | None = None


@dataclass(frozen=True)
class CaptureRecord:
    reference: str
    charge_id: str
    amount: int
    currency: str


class PaymentProvider(Protocol):
    name: str

    def tokenize(self, *, token: str) -> CardDetails: ...

    def authorize(
        self, *, reference: str, token: str, amount: int, currency: str, capture: bool
    ) -> ChargeResult: ...

    def complete_authentication(
        self, *, reference: str, charge_id: str, succeeded: bool, capture: bool
    ) -> ChargeResult: ...

    def capture(self, *, charge_id: str, amount: int) -> ChargeResult: ...

    def void(self, *, charge_id: str) -> None: ...

    def refund(self, *, charge_id: str, amount: int, reference: str) -> RefundResult: ...

    def refund_status(self, *, reference: str) -> RefundResult | None:
        """The refund made for `reference` (our refund id), None when there is none."""
        ...

    def status(self, *, reference: str) -> ChargeStatus: ...

    def captures_on(self, *, day: date) -> list[CaptureRecord]: ...
