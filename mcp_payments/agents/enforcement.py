"""The agent policy enforced by the money services (API.md §7, docs/api.md "Agent policy").

One building block for every interface (REST, MCP, Celery jobs acting for a key, billing):

    policy_enforce(context=..., operation="create_transfer", amount=900, currency="usd")

runs inside the caller's transaction, before the service writes anything. It returns when the
call may go on, raises `AgentPolicyViolation` (403 `agent_policy_violation` with `param`),
`AgentPolicyExpired` (401) or `ApprovalRequired` (the interface turns it into a pending
approval; the transaction rolls back, so the call changed nothing). A caller without a policy
costs nothing (no query); the daily-limit upsert runs only when a daily limit is set.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext, CallerPolicy

from .exceptions import (
    AgentPolicyExpired,
    AgentReadOnly,
    AmountAboveMaxPerCall,
    ApprovalRequired,
    DailyLimitExceeded,
    ToolNotAllowed,
)
from .models import AgentSpend


def _today() -> date:
    return timezone.now().date()


def daily_limit_of(policy: CallerPolicy, currency: str) -> int | None:
    """The policy's limit for `currency`. A policy with any daily limit may move only the
    currencies it names (a missing currency's limit is 0); one without has no daily limit."""
    if not policy.daily_limit:
        return None
    return int(policy.daily_limit.get(currency, 0))


def operation_check(
    *, context: AuthContext, operation: str, writes: bool = True, restricted: bool = True
) -> None:
    """Expiry, `read_only` (for `writes`) and `allowed_tools` (unless not `restricted`: reading
    the caller's own approvals), with no query. Raises `AgentPolicyExpired` (401),
    `AgentReadOnly` or `ToolNotAllowed` (403)."""
    policy = context.agent_policy
    if policy is None:
        return
    if policy.expires_at is not None and policy.expires_at <= timezone.now():
        raise AgentPolicyExpired()
    if writes and policy.read_only:
        raise AgentReadOnly(f"This caller's agent policy is read-only: {operation} is refused.")
    if restricted and policy.allowed_tools is not None and operation not in policy.allowed_tools:
        raise ToolNotAllowed(
            f"This caller's agent policy does not allow the operation '{operation}'."
        )


def _daily_refusal(amount: int, currency: str, limit: int) -> DailyLimitExceeded:
    return DailyLimitExceeded(
        f"Moving {amount} {currency} would exceed the daily limit of {limit} {currency}.",
        param="daily_limit",
    )


def policy_check(
    *,
    context: AuthContext,
    operation: str,
    amount: int | None = None,
    currency: str | None = None,
) -> None:
    """Everything but the daily-limit reservation, with no query: `operation_check`, then for
    an amount (minor units of `currency`; a batch passes its total per currency, one call each)
    `max_amount_per_call`, the whole daily limit, and `approval_above` (lifted while an
    approved call runs: `context.approval_id`). Raises as `policy_enforce`."""
    operation_check(context=context, operation=operation)
    policy = context.agent_policy
    if policy is None or amount is None or currency is None:
        return
    if policy.max_amount_per_call is not None and amount > policy.max_amount_per_call:
        raise AmountAboveMaxPerCall(
            f"The amount {amount} exceeds max_amount_per_call ({policy.max_amount_per_call}).",
            param="max_amount_per_call",
        )
    limit = daily_limit_of(policy, currency)
    if limit is not None and amount > limit:
        raise _daily_refusal(amount, currency, limit)
    if (
        context.approval_id is None
        and policy.approval_above is not None
        and amount > policy.approval_above
    ):
        raise ApprovalRequired(operation=operation, amount=amount, currency=currency)


_RESERVE_SQL = """
    INSERT INTO agents_agentspend (owner, day, currency, amount)
    SELECT %(owner)s, %(day)s, %(currency)s, %(amount)s WHERE %(amount)s <= %(limit)s
    ON CONFLICT (owner, day, currency) DO UPDATE
        SET amount = agents_agentspend.amount + EXCLUDED.amount
        WHERE agents_agentspend.amount + EXCLUDED.amount <= %(limit)s
    RETURNING amount
"""


def spend_reserve(*, context: AuthContext, amount: int, currency: str) -> int | None:
    """Count `amount` against the policy owner's daily limit for `currency`, or raise
    `DailyLimitExceeded`. Returns today's new total (None without a daily limit: no query).

    Must run inside the money movement's transaction, so a movement that fails or rolls back
    releases what it reserved. One conditional upsert: concurrent calls of the same owner
    (REST and MCP alike) queue on the (owner, day, currency) row and each re-checks the limit
    against the committed total, so two calls can never pass the limit together."""
    policy = context.agent_policy
    limit = daily_limit_of(policy, currency) if policy is not None else None
    if policy is None or limit is None:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("spend_reserve() must be called inside transaction.atomic()")
    params = {
        "owner": policy.owner,
        "day": _today(),
        "currency": currency,
        "amount": amount,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_RESERVE_SQL, params)
        row = cursor.fetchone()
    if row is None:
        raise _daily_refusal(amount, currency, limit)
    return row[0]


def policy_enforce(
    *,
    context: AuthContext | None,
    operation: str,
    amount: int | None = None,
    currency: str | None = None,
) -> None:
    """The policy for one call of `operation`, inside the caller's transaction (see the module
    docstring): `policy_check`, then the daily-limit reservation of `amount`. No context (the
    platform's own jobs) or no policy: nothing is checked, no query."""
    if context is None or context.agent_policy is None:
        return
    policy_check(context=context, operation=operation, amount=amount, currency=currency)
    if amount is not None and currency is not None:
        spend_reserve(context=context, amount=amount, currency=currency)


def policy_enforce_totals(*, context: AuthContext, operation: str, totals: dict[str, int]) -> None:
    """`policy_enforce` for a call moving several amounts at once (a batch): the policy sees
    one call per currency, of that currency's total, and the daily limit reserves it once."""
    if context.agent_policy is None:
        return
    operation_check(context=context, operation=operation)
    for currency, total in sorted(totals.items()):
        policy_enforce(context=context, operation=operation, amount=total, currency=currency)


def spent_today(*, owner: str, currency: str) -> int:
    """What `owner` moved today in `currency` (minor units)."""
    row = AgentSpend.objects.filter(owner=owner, day=_today(), currency=currency).first()
    return row.amount if row is not None else 0


@dataclass(frozen=True)
class PolicyVerdict:
    """What the policy says of a call, without changing anything (dry runs, policy_check)."""

    operation: str
    amount: int | None
    currency: str | None
    allowed: bool
    refusal: dict[str, Any] | None
    approval_required: bool
    daily_limit: int | None
    daily_spent: int
    max_amount_per_call: int | None = None
    approval_above: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON shape: API.md §7's `policy_verdict`."""
        return {
            "operation": self.operation,
            "amount": self.amount,
            "currency": self.currency,
            "allowed": self.allowed,
            "refusal": self.refusal,
            "approval_required": self.approval_required,
            "max_amount_per_call": self.max_amount_per_call,
            "approval_above": self.approval_above,
            "daily_limit": self.daily_limit,
            "daily_spent": self.daily_spent,
            "daily_remaining": None
            if self.daily_limit is None
            else max(0, self.daily_limit - self.daily_spent),
        }


def policy_verdict(
    *,
    context: AuthContext,
    operation: str,
    amount: int | None = None,
    currency: str | None = None,
) -> PolicyVerdict:
    """Would the caller's policy let this call through now? Reads today's spend (one query when
    a daily limit applies); reserves and writes nothing."""
    from .exceptions import AgentPolicyViolation

    policy = context.agent_policy
    limit = daily_limit_of(policy, currency) if policy is not None and currency else None
    spent = spent_today(owner=policy.owner, currency=currency) if limit is not None else 0
    refusal: dict[str, Any] | None = None
    approval_required = False
    try:
        policy_check(context=context, operation=operation, amount=amount, currency=currency)
        if limit is not None and amount is not None and spent + amount > limit:
            raise _daily_refusal(amount, currency or "", limit)
    except ApprovalRequired:
        approval_required = True
        if limit is not None and amount is not None and spent + amount > limit:
            refusal = _refusal(_daily_refusal(amount, currency or "", limit))
    except (AgentPolicyViolation, AgentPolicyExpired) as exc:
        refusal = _refusal(exc)
    return PolicyVerdict(
        operation=operation,
        amount=amount,
        currency=currency,
        allowed=refusal is None,
        refusal=refusal,
        approval_required=approval_required,
        daily_limit=limit,
        daily_spent=spent,
        max_amount_per_call=policy.max_amount_per_call if policy else None,
        approval_above=policy.approval_above if policy else None,
    )


def _refusal(exc: Exception) -> dict[str, Any]:
    return {"code": exc.code, "param": exc.param, "message": exc.message}  # type: ignore[attr-defined]
