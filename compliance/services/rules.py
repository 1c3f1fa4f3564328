"""Merchant risk rules: create, update, delete (each one transaction with its event and audit
row) and the 30-day backtest."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from compliance.exceptions import InvalidRuleExpression, RiskRuleNotFound
from compliance.models import ReviewStatus, RiskReview, RiskRule
from compliance.risk import rules_decide
from compliance.rules.attributes import compute_attributes, risk_subject_for
from compliance.rules.expression import ExpressionError, parse
from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit
from payments.risk_history import fraud_labels, payments_for_backtest

BACKTEST_DAYS = 30
_FIELDS = ("name", "expression", "action", "position", "enabled")


def validate_expression(expression: str) -> str:
    """Parse `expression`; 400 `invalid_rule_expression` with `param` "expression:<offset>"
    (0-based character offset of the offending token) when it is outside the grammar."""
    try:
        parse(expression)
    except ExpressionError as error:
        raise InvalidRuleExpression(
            f"{error.message} (at character {error.position})",
            param=f"expression:{error.position}",
        ) from None
    return expression


def _merchant_id(context: AuthContext) -> str:
    if context.merchant is None:
        raise MerchantRequired()
    return context.merchant.id


def _snapshot(rule: RiskRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in _FIELDS}


def risk_rule_get(*, context: AuthContext, rule_id: str, for_update: bool = False) -> RiskRule:
    """The caller's merchant's rule; 404 otherwise."""
    rules = RiskRule.objects.filter(merchant_id=_merchant_id(context))
    if for_update:
        rules = rules.select_for_update()
    rule = rules.filter(pk=rule_id).first()
    if rule is None:
        raise RiskRuleNotFound(f"No such risk rule: '{rule_id}'", param="id")
    return rule


def risk_rule_list(*, context: AuthContext):
    """The caller's merchant's rules in evaluation order (newest id last within a position)."""
    return RiskRule.objects.filter(merchant_id=_merchant_id(context)).order_by("position", "id")


def risk_rule_create(
    *,
    context: AuthContext,
    name: str,
    expression: str,
    action: str,
    position: int | None = None,
    enabled: bool = True,
) -> RiskRule:
    """Create a rule (position defaults to after the last one). 400 on a bad expression, nothing
    written. Emits `risk.rule_created`; audited."""
    merchant_id = _merchant_id(context)
    validate_expression(expression)
    with transaction.atomic():
        if position is None:
            last = RiskRule.objects.filter(merchant_id=merchant_id).order_by("-position").first()
            position = last.position + 1 if last else 0
        rule = RiskRule.objects.create(
            merchant_id=merchant_id,
            name=name,
            expression=expression,
            action=action,
            position=position,
            enabled=enabled,
        )
        emit("risk.rule_created", rule)
        audit_record(
            context=context,
            action="risk_rule.created",
            object_type="risk_rule",
            object_id=rule.id,
            after=_snapshot(rule),
        )
        return rule


def risk_rule_update(*, context: AuthContext, rule_id: str, **changes: Any) -> RiskRule:
    """Change any of name, expression, action, position, enabled. Emits `risk.rule_updated`
    with previous_attributes; audited. 400 on a bad expression, nothing written."""
    if "expression" in changes:
        validate_expression(changes["expression"])
    with transaction.atomic():
        rule = risk_rule_get(context=context, rule_id=rule_id, for_update=True)
        before = _snapshot(rule)
        previous = {
            name: before[name]
            for name in _FIELDS
            if name in changes and changes[name] != before[name]
        }
        if not previous:
            return rule
        for name in previous:
            setattr(rule, name, changes[name])
        rule.save()
        emit("risk.rule_updated", rule, previous_attributes=previous)
        audit_record(
            context=context,
            action="risk_rule.updated",
            object_type="risk_rule",
            object_id=rule.id,
            before=previous,
            after={name: changes[name] for name in previous},
        )
        return rule


def risk_rule_delete(*, context: AuthContext, rule_id: str) -> RiskRule:
    """Delete a rule. Emits `risk.rule_deleted` (the rule as it was); audited."""
    with transaction.atomic():
        rule = risk_rule_get(context=context, rule_id=rule_id, for_update=True)
        emit("risk.rule_deleted", rule)
        audit_record(
            context=context,
            action="risk_rule.deleted",
            object_type="risk_rule",
            object_id=rule.id,
            before=_snapshot(rule),
        )
        rule.delete()
        rule.id = rule_id
        return rule


@dataclass
class BacktestResult:
    """What a rule would have done over the window: counts of payments evaluated, matched, and
    matched payments later confirmed as fraud; `payments` lists up to 100 matched ids."""

    rule: str | None
    action: str
    expression: str
    period_start: datetime
    period_end: datetime
    evaluated: int = 0
    matched: int = 0
    would_block: int = 0
    would_review: int = 0
    would_allow: int = 0
    matched_fraud: int = 0
    fraud_total: int = 0
    matched_amount: dict[str, int] = field(default_factory=dict)
    payments: list[str] = field(default_factory=list)


def risk_rule_backtest(
    *, context: AuthContext, rule: RiskRule, now: datetime | None = None
) -> BacktestResult:
    """Run `rule` (saved or not) over the merchant's payment attempts of the last BACKTEST_DAYS
    days, every attribute recomputed as of each payment's time from PostgreSQL (velocity counted
    in windows; the model score as recorded on the payment). Fraud = disputed or refunded as
    fraudulent, canceled as fraudulent, or a rejected risk review. Read only."""
    merchant_id = _merchant_id(context)
    validate_expression(rule.expression)
    end = now or timezone.now()
    start = end - timedelta(days=BACKTEST_DAYS)
    payments = payments_for_backtest(merchant_id=merchant_id, since=start)
    payments = [payment for payment in payments if payment.created < end]
    attributes = compute_attributes([risk_subject_for(payment) for payment in payments])
    ids = [payment.id for payment in payments]
    fraud = fraud_labels(payment_ids=ids) | set(
        RiskReview.objects.filter(
            merchant_id=merchant_id, object_id__in=ids, status=ReviewStatus.REJECTED
        ).values_list("object_id", flat=True)
    )
    result = BacktestResult(
        rule=rule.id if rule.pk and RiskRule.objects.filter(pk=rule.pk).exists() else None,
        action=rule.action,
        expression=rule.expression,
        period_start=start,
        period_end=end,
        evaluated=len(payments),
        fraud_total=len(fraud),
    )
    probe = RiskRule(expression=rule.expression, action=rule.action, enabled=True)
    for payment in payments:
        values = attributes[payment.id]
        values["risk_score"] = (payment.risk or {}).get("score")
        if rules_decide([probe], values, payment.metadata) is None:
            continue
        result.matched += 1
        setattr(result, f"would_{rule.action}", getattr(result, f"would_{rule.action}") + 1)
        result.matched_fraud += payment.id in fraud
        currency = payment.currency
        result.matched_amount[currency] = result.matched_amount.get(currency, 0) + payment.amount
        if len(result.payments) < 100:
            result.payments.append(payment.id)
    return result
