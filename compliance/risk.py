"""Payment risk scoring: attributes as of the payment (compliance.rules.attributes), the trained
model's score when a version is active (else the baseline rules: amount, velocity, block lists,
the provider's signal), then the merchant's rules in order. `highest` blocks, `elevated` passes
and opens a review.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction

from mcp_payments.events.services import emit

from .fraud_model import model_score
from .models import RiskReview, RiskRule, RuleAction
from .rules.attributes import RiskSubject, compute_attributes
from .rules.expression import Node, evaluate, parse

CUSTOMER_VELOCITY_LIMIT = 5
CARD_VELOCITY_LIMIT = 5
# Minor units of a two-decimal currency.
LARGE_AMOUNT = 500_000
MEDIUM_AMOUNT = 100_000
_BLOCK_FLAGS = (
    "is_blocked_card",
    "is_blocked_email",
    "is_blocked_email_domain",
    "is_blocked_ip",
    "is_blocked_customer",
)


@dataclass(frozen=True)
class RiskAssessment:
    """The outcome of scoring: score 0-100, level normal|elevated|highest, the built-in signals
    that fired, the deciding merchant rule (if any) and the model's version and top features."""

    score: int
    level: str
    rules: list[str] = field(default_factory=list)
    rule: str | None = None
    action: str | None = None
    model_version: int | None = None
    top_features: list[dict[str, Any]] = field(default_factory=list)

    @property
    def decline_code(self) -> str:
        return "blocked_by_rule" if self.action == RuleAction.BLOCK else "highest_risk_level"

    def as_dict(self) -> dict:
        return {
            "score": self.score,
            "level": self.level,
            "rules": list(self.rules),
            "rule": self.rule,
            "action": self.action,
            "model_version": self.model_version,
            "top_features": list(self.top_features),
        }


def _level(score: int) -> str:
    if score >= settings.RISK_BLOCK_SCORE:
        return "highest"
    if score >= settings.RISK_REVIEW_SCORE:
        return "elevated"
    return "normal"


def baseline_rules(
    attributes: dict[str, Any], provider_signal: str | None
) -> tuple[int, list[str]]:
    """Today's fixed rules: (score 0-100, names of the rules that fired). Velocity counts earlier
    attempts in the last hour (5 earlier attempts make the 6th one suspicious)."""
    score = 0
    fired: list[str] = []
    if provider_signal == "highest":
        score += 100
        fired.append("provider_risk_highest")
    if attributes["amount"] >= LARGE_AMOUNT:
        score += 50
        fired.append("large_amount")
    elif attributes["amount"] >= MEDIUM_AMOUNT:
        score += 10
        fired.append("medium_amount")
    if (attributes.get("card_velocity_1h") or 0) >= CARD_VELOCITY_LIMIT:
        score += 30
        fired.append("card_velocity")
    if (attributes.get("customer_velocity_1h") or 0) >= CUSTOMER_VELOCITY_LIMIT:
        score += 25
        fired.append("customer_velocity")
    if any(attributes.get(flag) for flag in _BLOCK_FLAGS):
        score += 100
        fired.append("block_list")
    return min(score, 100), fired


@lru_cache(maxsize=2048)
def compiled(expression: str) -> Node:
    """The parsed AST of a stored (already validated) expression."""
    return parse(expression)


@dataclass(frozen=True)
class RuleDecision:
    rule_id: str
    action: str


def rules_decide(
    rules: list[RiskRule], attributes: dict[str, Any], metadata: dict[str, str]
) -> RuleDecision | None:
    """The first enabled rule (in the list's order) whose expression matches, or None."""
    for rule in rules:
        if rule.enabled and evaluate(compiled(rule.expression), attributes, metadata):
            return RuleDecision(rule_id=rule.id, action=rule.action)
    return None


def merchant_rules(merchant_id: str) -> list[RiskRule]:
    """The merchant's enabled rules in evaluation order (position, then creation)."""
    return list(
        RiskRule.objects.filter(merchant_id=merchant_id, enabled=True).order_by("position", "id")
    )


def assess(
    *,
    attributes: dict[str, Any],
    metadata: dict[str, str],
    provider_signal: str | None,
    rules: list[RiskRule],
    model: Any = None,
) -> RiskAssessment:
    """Combine the score (the model's when given, else the baseline rules'), the hard signals
    (provider verdict, block lists: always `highest`) and the merchant's rules. Sets
    `attributes["risk_score"]`."""
    base_score, fired = baseline_rules(attributes, provider_signal)
    hard = "provider_risk_highest" in fired or "block_list" in fired
    score = base_score if model is None else (100 if hard else model.score)
    attributes["risk_score"] = score
    level = _level(score)
    decision = rules_decide(rules, attributes, metadata)
    if decision is not None and not hard:
        level = {
            RuleAction.ALLOW: "normal",
            RuleAction.REVIEW: "elevated" if level == "normal" else level,
            RuleAction.BLOCK: "highest",
        }[decision.action]
    return RiskAssessment(
        score=score,
        level=level,
        rules=[*fired, *([decision.rule_id] if decision else [])],
        rule=decision.rule_id if decision else None,
        action=decision.action if decision else None,
        model_version=model.version if model is not None else None,
        top_features=model.top_features if model is not None else [],
    )


def risk_score_payment(*, subject: RiskSubject) -> RiskAssessment:
    """Score one payment attempt as of `subject.at`: attributes from PostgreSQL (two queries), the
    active model in-process, the merchant's rules (one query). Read only."""
    attributes = compute_attributes([subject])[subject.key]
    return assess(
        attributes=attributes,
        metadata=subject.metadata,
        provider_signal=subject.provider_signal,
        rules=merchant_rules(subject.merchant_id),
        model=model_score(attributes),
    )


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
