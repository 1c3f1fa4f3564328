"""Agent policy (API.md §7): which tools a caller may list and call, and how much its key may
move per call and per day.

The tool layer (MCP) calls these for every listing and every call; nothing here knows MCP. A
caller without an API key (a dashboard user's JWT) has no agent policy: only scopes apply.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.models import ApiKey

from ..exceptions import (
    AgentReadOnly,
    AmountAboveMaxPerCall,
    DailyLimitExceeded,
    ScopeMissing,
    StaffOnly,
    ToolNotAllowed,
)
from ..selectors import spent_today


@dataclass(frozen=True)
class ToolRequirement:
    """What a tool needs from its caller. `policy_exempt` tools (reading the outcome of the
    key's own approvals) are not subject to `allowed_tools`."""

    name: str
    scope: str | None
    writes: bool
    staff_only: bool = False
    policy_exempt: bool = False


def tool_authorize(*, context: AuthContext, tool: ToolRequirement) -> None:
    """Raise the refusal of `tool` for this caller, or return when it may list and call it.

    Order: platform staff only, scope, then the key's agent policy (`read_only` refuses every
    write tool, `allowed_tools` every tool it does not name)."""
    if tool.staff_only and not context.is_platform_staff:
        raise StaffOnly()
    if tool.scope is not None and not context.has_scope(tool.scope):
        raise ScopeMissing(f"This tool needs the '{tool.scope}' scope.")
    key = context.api_key
    if key is None:
        return
    if key.read_only and tool.writes:
        raise AgentReadOnly()
    allowed = key.allowed_tools
    if allowed is not None and not tool.policy_exempt and tool.name not in allowed:
        raise ToolNotAllowed(f"This key's agent policy does not allow the tool '{tool.name}'.")


def tool_permitted(*, context: AuthContext, tool: ToolRequirement) -> bool:
    """`tool_authorize` as a yes/no, for listings."""
    try:
        tool_authorize(context=context, tool=tool)
    except (StaffOnly, ScopeMissing, AgentReadOnly, ToolNotAllowed):
        return False
    return True


def _today() -> date:
    return timezone.now().date()


def _daily_limit(key: ApiKey, currency: str) -> int | None:
    """The key's limit for `currency`. A key with any daily limit may move only the currencies
    it names (a missing currency's limit is 0); a key without one has no daily limit."""
    if not key.daily_limit:
        return None
    return int(key.daily_limit.get(currency, 0))


@dataclass(frozen=True)
class AmountVerdict:
    """What the policy says of moving `amount` in `currency`, without changing anything."""

    amount: int
    currency: str
    max_amount_per_call: int | None
    approval_above: int | None
    approval_required: bool
    daily_limit: int | None
    daily_spent: int
    refusal: DailyLimitExceeded | AmountAboveMaxPerCall | None

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "refusal": self.refusal.code if self.refusal else None,
            "approval_required": self.approval_required,
            "max_amount_per_call": self.max_amount_per_call,
            "approval_above": self.approval_above,
            "daily_limit": self.daily_limit,
            "daily_spent": self.daily_spent,
            "daily_remaining": None
            if self.daily_limit is None
            else max(0, self.daily_limit - self.daily_spent),
        }


def amount_verdict(
    *, context: AuthContext, amount: int, currency: str, approved: bool = False
) -> AmountVerdict:
    """Would the key's policy let it move `amount` now? Reads today's spend (one query when
    the key has a daily limit); reserves nothing. `approved`: staff approved this call, so
    `approval_above` no longer applies (the limits still do)."""
    key = context.api_key
    if key is None:
        return AmountVerdict(amount, currency, None, None, False, None, 0, None)
    limit = _daily_limit(key, currency)
    spent = spent_today(api_key=key, day=_today(), currency=currency) if limit is not None else 0
    refusal: DailyLimitExceeded | AmountAboveMaxPerCall | None = None
    if key.max_amount_per_call is not None and amount > key.max_amount_per_call:
        refusal = AmountAboveMaxPerCall(
            f"The amount {amount} exceeds this key's max_amount_per_call "
            f"({key.max_amount_per_call}).",
            param="amount",
        )
    elif limit is not None and spent + amount > limit:
        refusal = _daily_refusal(amount, currency, limit)
    approval_required = (
        not approved and key.approval_above is not None and amount > key.approval_above
    )
    return AmountVerdict(
        amount,
        currency,
        key.max_amount_per_call,
        key.approval_above,
        approval_required,
        limit,
        spent,
        refusal,
    )


def _daily_refusal(amount: int, currency: str, limit: int) -> DailyLimitExceeded:
    return DailyLimitExceeded(
        f"Moving {amount} {currency} would exceed this key's daily limit of {limit} {currency}.",
        param="amount",
    )


def amount_precheck(
    *, context: AuthContext, amount: int, currency: str, approved: bool = False
) -> bool:
    """Refuse what can never pass (above `max_amount_per_call`, or above the whole daily limit
    of the currency) before anything is asked or reserved. Returns whether the call must wait
    for a staff approval. Reads nothing from the database: the daily limit itself is enforced
    by `spend_reserve`."""
    key = context.api_key
    if key is None:
        return False
    if key.max_amount_per_call is not None and amount > key.max_amount_per_call:
        raise AmountAboveMaxPerCall(
            f"The amount {amount} exceeds this key's max_amount_per_call "
            f"({key.max_amount_per_call}).",
            param="amount",
        )
    limit = _daily_limit(key, currency)
    if limit is not None and amount > limit:
        raise _daily_refusal(amount, currency, limit)
    return not approved and key.approval_above is not None and amount > key.approval_above


_RESERVE_SQL = """
    INSERT INTO agents_agentspend (api_key_id, day, currency, amount)
    SELECT %(key)s, %(day)s, %(currency)s, %(amount)s WHERE %(amount)s <= %(limit)s
    ON CONFLICT (api_key_id, day, currency) DO UPDATE
        SET amount = agents_agentspend.amount + EXCLUDED.amount
        WHERE agents_agentspend.amount + EXCLUDED.amount <= %(limit)s
    RETURNING amount
"""


def spend_reserve(*, context: AuthContext, amount: int, currency: str) -> int | None:
    """Count `amount` against the key's daily limit for `currency`, or raise
    `DailyLimitExceeded`. Returns today's new total (None when the key has no daily limit).

    Building block: must run inside the money movement's transaction, so a movement that fails
    or rolls back releases what it reserved. One conditional upsert: concurrent calls of the
    same key queue on the (key, day, currency) row and each re-checks the limit against the
    committed total, so two calls can never pass the limit together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("spend_reserve() must be called inside transaction.atomic()")
    key = context.api_key
    limit = _daily_limit(key, currency) if key is not None else None
    if key is None or limit is None:
        return None
    params = {
        "key": key.pk,
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
