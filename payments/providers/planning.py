"""The provider of planning mode (`mcp_payments.agents.planning`): answers like a provider, calls
nothing. The sandbox's test cards are predicted from their token (no Redis, no latency); any other
provider's outcome is reported as "unknown" (and planned as if it succeeded)."""

import hashlib
from datetime import date

from mcp_payments.agents.planning import plan_note

from .base import CaptureRecord, CardDetails, ChargeResult, ChargeStatus, RefundResult
from .sandbox import CARDS


class PlanningProvider:
    name = "planning"

    def __init__(self, real) -> None:
        self.real_name = getattr(real, "name", type(real).__name__)
        self.predicts = self.real_name == "sandbox"

    def _card(self, token: str):
        return CARDS.get(token) if self.predicts else None

    def tokenize(self, *, token: str) -> CardDetails:
        card = self._card(token)
        return CardDetails(
            brand=card.brand if card else "unknown",
            last4=card.last4 if card else "0000",
            exp_month=12,
            exp_year=2030,
            fingerprint=hashlib.sha256(f"plan:{token}".encode()).hexdigest()[:16],
            risk_signal=card.risk_signal if card else None,
        )

    def authorize(
        self, *, reference: str, token: str, amount: int, currency: str, capture: bool
    ) -> ChargeResult:
        card = self._card(token)
        if card is None:
            plan_note(call="authorize", outcome="unknown")
            outcome = "captured" if capture else "authorized"
            return ChargeResult(outcome, "ch_planned", amount_captured=amount if capture else 0)
        if card.error or card.timeout:
            plan_note(call="authorize", outcome="processing_error" if card.error else "timeout")
            outcome = "captured" if capture else "authorized"
            return ChargeResult(outcome, "ch_planned", amount_captured=amount if capture else 0)
        if card.decline_code:
            plan_note(call="authorize", outcome="declined", decline_code=card.decline_code)
            return ChargeResult("declined", "ch_planned", decline_code=card.decline_code)
        if card.three_d_secure:
            plan_note(call="authorize", outcome="requires_action")
            return ChargeResult("requires_action", "ch_planned")
        outcome = "captured" if capture else "authorized"
        plan_note(call="authorize", outcome=outcome)
        return ChargeResult(outcome, "ch_planned", amount_captured=amount if capture else 0)

    def complete_authentication(self, **kwargs) -> ChargeResult:
        plan_note(call="complete_authentication", outcome="unknown")
        return ChargeResult("authorized", "ch_planned")

    def capture(self, *, charge_id: str, amount: int) -> ChargeResult:
        plan_note(call="capture", outcome="captured" if self.predicts else "unknown")
        return ChargeResult("captured", charge_id, amount_captured=amount)

    def void(self, *, charge_id: str) -> None:
        plan_note(call="void", outcome="voided" if self.predicts else "unknown")

    def refund(self, *, charge_id: str, amount: int, reference: str) -> RefundResult:
        plan_note(call="refund", outcome="succeeded" if self.predicts else "unknown")
        return RefundResult(succeeded=True, refund_id="re_planned")

    def refund_status(self, *, reference: str) -> RefundResult | None:
        return None

    def status(self, *, reference: str) -> ChargeStatus:
        return ChargeStatus(state="unknown")

    def captures_on(self, *, day: date) -> list[CaptureRecord]:
        return []
