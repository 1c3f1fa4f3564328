"""Who is calling: resolved once per request (API, WebSocket or MCP) and passed to services."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from .models import ApiKey, Merchant
from .scopes import ALL_SCOPES


@dataclass(frozen=True)
class CallerPolicy:
    """The agent policy the caller acts under (API.md §7): an API key's, or, for a dashboard
    user's JWT on `/mcp`, the merchant's assistant policy. `owner` keys its spend and approvals:
    the key's id, or `assistant:<merchant id>`. Amounts are minor units; `daily_limit` maps a
    lowercase currency to its limit; `allowed_tools` None means every operation."""

    owner: str
    max_amount_per_call: int | None = None
    daily_limit: dict[str, int] | None = None
    approval_above: int | None = None
    allowed_tools: frozenset[str] | None = None
    expires_at: datetime | None = None
    read_only: bool = False

    @classmethod
    def of(cls, owner: str, source: Any) -> "CallerPolicy | None":
        """The policy of a row carrying the policy fields (an `ApiKey` or an `AssistantPolicy`),
        or None when it sets none of them (so a caller without a policy costs nothing)."""
        policy = cls(
            owner=owner,
            max_amount_per_call=source.max_amount_per_call,
            daily_limit=dict(source.daily_limit) if source.daily_limit else None,
            approval_above=source.approval_above,
            allowed_tools=None if source.allowed_tools is None else frozenset(source.allowed_tools),
            expires_at=source.expires_at,
            read_only=source.read_only,
        )
        return policy if policy.is_set else None

    @property
    def is_set(self) -> bool:
        return any(
            (
                self.max_amount_per_call is not None,
                bool(self.daily_limit),
                self.approval_above is not None,
                self.allowed_tools is not None,
                self.expires_at is not None,
                self.read_only,
            )
        )


@dataclass(frozen=True)
class AuthContext:
    """The merchant acted for, the actor and what it may do.

    `merchant` is None only for platform staff acting across all merchants.
    """

    merchant: Merchant | None
    scopes: frozenset[str]
    api_key: ApiKey | None = None
    user: AbstractBaseUser | None = None
    role: str | None = None
    is_platform_staff: bool = False
    request_id: str | None = field(default=None, compare=False)
    # The agent policy enforced by the money services (None: no policy, nothing checked).
    agent_policy: CallerPolicy | None = None
    # A dashboard user's JWT on /mcp: the merchant's assistant acting for that user.
    assistant: bool = False
    # Set while an approved call runs: `approval_above` no longer applies to it.
    approval_id: str | None = field(default=None, compare=False)

    @property
    def actor_id(self) -> str:
        if self.api_key is not None:
            return self.api_key.id
        if self.assistant and self.user is not None:
            return f"assistant:{self.user.pk}"
        return f"user:{self.user.pk}" if self.user is not None else "system"

    @property
    def actor_type(self) -> str:
        if self.api_key is not None:
            return "api_key"
        return "user" if self.user is not None else "system"

    @property
    def policy_owner(self) -> str | None:
        """Who the caller's spend and approvals belong to (a key, or a merchant's assistant)."""
        if self.api_key is not None:
            return self.api_key.id
        if self.assistant and self.merchant is not None:
            return f"assistant:{self.merchant.id}"
        return None

    @property
    def idempotency_scope(self) -> str:
        # API.md §1: keys are scoped to the merchant (for API keys) or the user.
        if self.api_key is not None:
            return self.api_key.merchant_id
        return self.actor_id

    @property
    def rate_limit_key(self) -> str:
        return self.actor_id

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


def system_context(merchant: Merchant | None = None) -> AuthContext:
    """The platform itself acting (scheduled jobs, management commands)."""
    return AuthContext(merchant=merchant, scopes=frozenset(ALL_SCOPES), is_platform_staff=True)
