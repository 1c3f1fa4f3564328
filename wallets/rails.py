"""Bank payout rails. The sandbox rail settles `btok_success` and fails `btok_fail`; a real
adapter implements the same protocol (the payments providers register theirs here)."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RailResult:
    paid: bool
    failure_code: str | None = None


class PayoutRail(Protocol):
    def send(self, *, payout_id: str, amount: int, currency: str, destination: str) -> RailResult:
        """Send funds; `payout_id` is the idempotency key at the bank."""


class SandboxBankRail:
    OUTCOMES = {
        "btok_success": RailResult(paid=True),
        "btok_fail": RailResult(paid=False, failure_code="account_closed"),
    }

    def send(self, *, payout_id: str, amount: int, currency: str, destination: str) -> RailResult:
        return self.OUTCOMES.get(destination, RailResult(False, "no_account"))


_rail: PayoutRail = SandboxBankRail()


def payout_rail() -> PayoutRail:
    return _rail


def is_bank_token(value: str) -> bool:
    return value.startswith("btok_") and 5 < len(value) <= 64
