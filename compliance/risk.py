"""Payment risk scoring (first version): amount, velocity per customer and per card fingerprint
(Redis counters), block lists, and the provider's own signal. Scores 0-100; `highest` blocks,
`elevated` passes and opens a review.

The interface — `risk_score_payment(...) -> RiskAssessment` and `risk_review_open(...)` — stays
when the model-based scorer replaces the rules.
"""

from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from mcp_payments.agents.planning import is_planning
from mcp_payments.events.services import emit

from .models import BlockListEntry, RiskReview

VELOCITY_WINDOW_SECONDS = 3600
CUSTOMER_VELOCITY_LIMIT = 5
CARD_VELOCITY_LIMIT = 5
# Minor units of a two-decimal currency; scaled for zero-decimal ones by the caller's amount.
LARGE_AMOUNT = 500_000
MEDIUM_AMOUNT = 100_000

_redis: redis.Redis | None = None


def _client() -> redis.Redis:
    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
    return _redis


@dataclass(frozen=True)
class RiskAssessment:
    score: int
    level: str
    rules: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"score": self.score, "level": self.level, "rules": list(self.rules)}


def _level(score: int) -> str:
    if score >= settings.RISK_BLOCK_SCORE:
        return "highest"
    if score >= settings.RISK_REVIEW_SCORE:
        return "elevated"
    return "normal"


def _count(keys: list[str]) -> list[int]:
    """Increment each velocity counter and return the new counts (one round trip). A dry run
    (planning mode) only reads them, as if this call were counted."""
    if is_planning():
        return [int(value or 0) + 1 for value in _client().mget(keys)]
    pipe = _client().pipeline(transaction=False)
    for key in keys:
        pipe.incr(key)
        pipe.expire(key, VELOCITY_WINDOW_SECONDS, nx=True)
    results = pipe.execute()
    return [int(value) for value in results[0::2]]


def _blocked(merchant_id: str, values: dict[str, str | None]) -> bool:
    lookups = [(kind, value) for kind, value in values.items() if value]
    if not lookups:
        return False
    condition = Q()
    for kind, value in lookups:
        condition |= Q(kind=kind, value=value)
    return (
        BlockListEntry.objects.filter(condition)
        .filter(Q(merchant_id=merchant_id) | Q(merchant_id__isnull=True))
        .exists()
    )


def risk_score_payment(
    *,
    merchant_id: str,
    amount: int,
    currency: str,
    customer_id: str | None,
    customer_email: str | None,
    fingerprint: str,
    provider_signal: str | None,
) -> RiskAssessment:
    """Score one payment attempt; counts it toward the velocity windows."""
    score = 0
    rules: list[str] = []
    if provider_signal == "highest":
        score += 100
        rules.append("provider_risk_highest")
    if amount >= LARGE_AMOUNT:
        score += 50
        rules.append("large_amount")
    elif amount >= MEDIUM_AMOUNT:
        score += 10
        rules.append("medium_amount")
    keys = [f"risk:velocity:card:{merchant_id}:{fingerprint}"]
    if customer_id:
        keys.append(f"risk:velocity:customer:{merchant_id}:{customer_id}")
    counts = _count(keys)
    if counts[0] > CARD_VELOCITY_LIMIT:
        score += 30
        rules.append("card_velocity")
    if customer_id and counts[1] > CUSTOMER_VELOCITY_LIMIT:
        score += 25
        rules.append("customer_velocity")
    if _blocked(
        merchant_id,
        {
            BlockListEntry.Kind.FINGERPRINT: fingerprint,
            BlockListEntry.Kind.EMAIL: customer_email,
            BlockListEntry.Kind.CUSTOMER: customer_id,
        },
    ):
        score += 100
        rules.append("block_list")
    score = min(score, 100)
    return RiskAssessment(score=score, level=_level(score), rules=rules)


def risk_review_open(*, merchant_id: str, object_id: str, assessment: RiskAssessment) -> RiskReview:
    """Open a review for an elevated payment; emits `risk.review_opened`. Building block: runs in
    the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("risk_review_open() must run inside the caller's transaction")
    review = RiskReview.objects.create(
        merchant_id=merchant_id,
        object_id=object_id,
        score=assessment.score,
        rules=list(assessment.rules),
    )
    emit("risk.review_opened", review, merchant_id=merchant_id)
    return review
