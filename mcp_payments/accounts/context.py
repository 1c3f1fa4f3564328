"""Who is calling: resolved once per request (API, WebSocket or MCP) and passed to services."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser

from .models import ApiKey, Merchant
from .scopes import ALL_SCOPES


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

    @property
    def actor_id(self) -> str:
        if self.api_key is not None:
            return self.api_key.id
        return f"user:{self.user.pk}" if self.user is not None else "system"

    @property
    def actor_type(self) -> str:
        if self.api_key is not None:
            return "api_key"
        return "user" if self.user is not None else "system"

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
