"""The built-in sandbox provider (API.md §3): deterministic outcomes per test token.

It behaves like an external provider with its own records, kept in Redis (outside our database
transactions, as a real provider's would be): charges by reference, captures by day for the
settlement report. `tok_timeout` is processed but its answer is lost (ProviderTimeout), so only
reconciliation learns that it succeeded.
"""

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

import redis
from django.conf import settings

from mcp_payments.api.ids import new_id

from .base import (
    CaptureRecord,
    CardDetails,
    ChargeResult,
    ChargeStatus,
    InvalidToken,
    ProviderTimeout,
    ProviderUnavailable,
    RefundResult,
)


@dataclass(frozen=True)
class TestCard:
    brand: str
    last4: str
    decline_code: str | None = None
    three_d_secure: bool = False
    dispute: bool = False
    risk_signal: str | None = None
    error: bool = False
    timeout: bool = False


CARDS: dict[str, TestCard] = {
    "tok_visa": TestCard("visa", "4242"),
    "tok_mastercard": TestCard("mastercard", "4444"),
    "tok_amex": TestCard("amex", "8431"),
    "tok_chargeDeclined": TestCard("visa", "0002", decline_code="generic_decline"),
    "tok_chargeDeclinedInsufficientFunds": TestCard(
        "visa", "9995", decline_code="insufficient_funds"
    ),
    "tok_chargeDeclinedFraudulent": TestCard("visa", "0019", decline_code="fraudulent"),
    "tok_chargeDeclinedExpiredCard": TestCard("visa", "0069", decline_code="expired_card"),
    "tok_threeDSecureRequired": TestCard("visa", "3220", three_d_secure=True),
    "tok_createDispute": TestCard("visa", "0259", dispute=True),
    "tok_riskLevelHighest": TestCard("visa", "4954", risk_signal="highest"),
    "tok_processingError": TestCard("visa", "0119", error=True),
    "tok_timeout": TestCard("visa", "0000", timeout=True),
}

DECLINE_MESSAGES = {
    "generic_decline": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "fraudulent": "Your card was declined.",
    "expired_card": "Your card has expired.",
}


class SandboxProvider:
    name = "sandbox"

    def __init__(self) -> None:
        self._redis = redis.Redis.from_url(
            settings.SANDBOX_PROVIDER_REDIS_URL, socket_timeout=settings.PROVIDER_TIMEOUT_SECONDS
        )

    # -- records -------------------------------------------------------------------------
    def _key(self, kind: str, value: str) -> str:
        return f"{settings.SANDBOX_KEY_PREFIX}:{kind}:{value}"

    def _save(self, reference: str, record: dict) -> None:
        ttl = settings.SANDBOX_RECORD_TTL_SECONDS
        self._redis.set(self._key("charge", reference), json.dumps(record), ex=ttl)
        self._redis.set(self._key("charge_id", record["charge_id"]), reference, ex=ttl)

    def _load_by_charge(self, charge_id: str) -> tuple[str, dict]:
        reference = self._redis.get(self._key("charge_id", charge_id))
        if reference is None:
            raise InvalidToken(f"No such charge: {charge_id}")
        reference = reference.decode()
        return reference, json.loads(self._redis.get(self._key("charge", reference)))

    def _record_capture(self, reference: str, record: dict, amount: int) -> None:
        record["captured"] = record.get("captured", 0) + amount
        record["state"] = "captured"
        self._save(reference, record)
        key = self._key("captures", datetime.now(UTC).date().isoformat())
        pipe = self._redis.pipeline(transaction=False)
        pipe.rpush(key, json.dumps([reference, record["charge_id"], amount, record["currency"]]))
        pipe.expire(key, settings.SANDBOX_RECORD_TTL_SECONDS)
        pipe.execute()

    def _latency(self) -> None:
        if settings.SANDBOX_LATENCY_MS:
            time.sleep(settings.SANDBOX_LATENCY_MS / 1000)

    # -- interface -------------------------------------------------------------------------
    def tokenize(self, *, token: str) -> CardDetails:
        card = CARDS.get(token)
        if card is None:
            raise InvalidToken(f"No such token: '{token}'")
        return CardDetails(
            brand=card.brand,
            last4=card.last4,
            exp_month=12,
            exp_year=2030 if card.decline_code != "expired_card" else 2020,
            fingerprint=hashlib.sha256(f"sandbox:{card.last4}".encode()).hexdigest()[:16],
            risk_signal=card.risk_signal,
        )

    def authorize(
        self, *, reference: str, token: str, amount: int, currency: str, capture: bool
    ) -> ChargeResult:
        self._latency()
        card = CARDS.get(token)
        if card is None:
            raise InvalidToken(f"No such token: '{token}'")
        if card.error:
            raise ProviderUnavailable("The provider could not process the charge; retry.")
        charge_id = new_id("ch")
        if card.decline_code:
            self._save(
                reference,
                {
                    "charge_id": charge_id,
                    "state": "declined",
                    "currency": currency,
                    "amount": amount,
                },
            )
            return ChargeResult(
                outcome="declined",
                charge_id=charge_id,
                decline_code=card.decline_code,
                message=DECLINE_MESSAGES[card.decline_code],
            )
        record = {
            "charge_id": charge_id,
            "state": "authorized",
            "currency": currency,
            "amount": amount,
            "captured": 0,
            "dispute": card.dispute,
        }
        if card.three_d_secure:
            record["state"] = "requires_action"
            self._save(reference, record)
            return ChargeResult(outcome="requires_action", charge_id=charge_id)
        self._save(reference, record)
        if capture:
            self._record_capture(reference, record, amount)
        if card.timeout:
            raise ProviderTimeout("The provider did not answer in time.")
        return ChargeResult(
            outcome="captured" if capture else "authorized",
            charge_id=charge_id,
            amount_captured=amount if capture else 0,
            dispute_expected=card.dispute,
        )

    def complete_authentication(
        self, *, reference: str, charge_id: str, succeeded: bool, capture: bool
    ) -> ChargeResult:
        reference, record = self._load_by_charge(charge_id)
        if not succeeded:
            record["state"] = "declined"
            self._save(reference, record)
            return ChargeResult(
                outcome="declined",
                charge_id=charge_id,
                decline_code="authentication_required",
                message="The cardholder failed 3-D Secure authentication.",
            )
        record["state"] = "authorized"
        self._save(reference, record)
        if capture:
            self._record_capture(reference, record, record["amount"])
            return ChargeResult(
                "captured",
                charge_id,
                amount_captured=record["amount"],
                dispute_expected=record.get("dispute", False),
            )
        return ChargeResult("authorized", charge_id)

    def capture(self, *, charge_id: str, amount: int) -> ChargeResult:
        self._latency()
        reference, record = self._load_by_charge(charge_id)
        self._record_capture(reference, record, amount)
        return ChargeResult(
            "captured",
            charge_id,
            amount_captured=amount,
            dispute_expected=record.get("dispute", False),
        )

    def void(self, *, charge_id: str) -> None:
        reference, record = self._load_by_charge(charge_id)
        record["state"] = "voided"
        self._save(reference, record)

    def refund(self, *, charge_id: str, amount: int, reference: str) -> RefundResult:
        self._latency()
        charge_reference, record = self._load_by_charge(charge_id)
        record["refunded"] = record.get("refunded", 0) + amount
        self._save(charge_reference, record)
        refund_id = new_id("rf")
        self._redis.set(
            self._key("refund", reference), refund_id, ex=settings.SANDBOX_RECORD_TTL_SECONDS
        )
        return RefundResult(succeeded=True, refund_id=refund_id)

    def refund_status(self, *, reference: str) -> RefundResult | None:
        """The refund made for `reference`, or None when the sandbox never made one."""
        raw = self._redis.get(self._key("refund", reference))
        if raw is None:
            return None
        refund_id = raw.decode() if isinstance(raw, bytes) else raw
        return RefundResult(succeeded=True, refund_id=refund_id)

    def status(self, *, reference: str) -> ChargeStatus:
        raw = self._redis.get(self._key("charge", reference))
        if raw is None:
            return ChargeStatus(state="unknown")
        record = json.loads(raw)
        state = record["state"] if record["state"] != "requires_action" else "authorized"
        return ChargeStatus(
            state=state, charge_id=record["charge_id"], amount_captured=record.get("captured", 0)
        )

    def captures_on(self, *, day: date) -> list[CaptureRecord]:
        rows = self._redis.lrange(self._key("captures", day.isoformat()), 0, -1)
        return [CaptureRecord(*json.loads(row)) for row in rows]
