"""API key scopes (API.md §8) and what each merchant role may do."""

ALL_SCOPES: tuple[str, ...] = (
    "payments:read",
    "payments:write",
    "refunds:write",
    "customers:read",
    "customers:write",
    "wallets:read",
    "wallets:write",
    "transfers:write",
    "payouts:write",
    "billing:read",
    "billing:write",
    "analytics:read",
    "reports:write",
    "risk:read",
    "risk:write",
    "compliance:read",
    "webhooks:read",
    "webhooks:write",
    "events:read",
    "system:read",
)
WILDCARD = "*"

_READS = tuple(scope for scope in ALL_SCOPES if scope.endswith(":read") and scope != "system:read")

ROLE_SCOPES: dict[str, frozenset[str]] = {
    "admin": frozenset(ALL_SCOPES) - {"system:read"},
    "finance": frozenset(
        (
            *_READS,
            "payments:write",
            "refunds:write",
            "wallets:write",
            "transfers:write",
            "payouts:write",
            "billing:write",
            "reports:write",
        )
    ),
    "support": frozenset(
        (*_READS, "customers:write", "refunds:write", "payments:write", "billing:write")
    ),
    "compliance": frozenset((*_READS, "risk:write", "reports:write")),
    "viewer": frozenset(_READS) - {"compliance:read", "risk:read"},
}


def normalize_scopes(requested: list[str] | tuple[str, ...] | str) -> list[str]:
    """Expand `*`, drop duplicates, keep a stable order; raise ValueError on unknown scopes."""
    items = requested.split() if isinstance(requested, str) else list(requested)
    if WILDCARD in items:
        return list(ALL_SCOPES)
    unknown = [scope for scope in items if scope not in ALL_SCOPES]
    if unknown:
        raise ValueError(f"Unknown scope: {unknown[0]}")
    return [scope for scope in ALL_SCOPES if scope in set(items)]
