"""Reads for authentication and key listings."""

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from mcp_payments.api.errors import NotFound

from .context import AuthContext, CallerPolicy
from .models import ApiKey, Membership, Merchant, Role
from .scopes import ALL_SCOPES, ROLE_SCOPES

LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Active keys by secret hash, per process: (monotonic deadline, key, its context). A hit skips
# the database (issue 19: the key lookup was 18 % of an MCP read) and reuses the immutable
# AuthContext. Entries live API_KEY_CACHE_SECONDS (< 1 s), so a key revoked or changed by another
# process fails or changes here within that time; this process forgets a key it revokes at once.
# Unknown secrets are never cached (a new key works at once).
_ACTIVE_KEYS: dict[str, tuple[float, ApiKey, AuthContext]] = {}
_ACTIVE_KEYS_MAX = 10_000


def forget_api_key(key: ApiKey) -> None:
    """Drop `key` from this process's cache of active keys, so a revocation made in this process
    takes effect at once (`api_key_revoke` calls it). Other processes, and any other change to a
    key (an admin edit of its policy), see the change when their cached copy expires, within
    `API_KEY_CACHE_SECONDS`."""
    _ACTIVE_KEYS.pop(key.secret_hash, None)


def _key_context(key: ApiKey) -> AuthContext:
    return AuthContext(
        merchant=key.merchant,
        scopes=frozenset(key.scopes),
        api_key=key,
        agent_policy=CallerPolicy.of(key.id, key),
    )


def _active_key(secret_hash: str) -> tuple[ApiKey, AuthContext] | None:
    ttl = settings.API_KEY_CACHE_SECONDS
    if ttl > 0:
        hit = _ACTIVE_KEYS.get(secret_hash)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1], hit[2]
    key = (
        ApiKey.objects.select_related("merchant")
        .filter(secret_hash=secret_hash, revoked_at__isnull=True)
        .first()
    )
    if key is None:
        return None
    context = _key_context(key)
    if ttl > 0:
        if len(_ACTIVE_KEYS) >= _ACTIVE_KEYS_MAX:
            _ACTIVE_KEYS.clear()
        _ACTIVE_KEYS[secret_hash] = (time.monotonic() + ttl, key, context)
    return key, context


def api_key_context(secret: str) -> AuthContext | None:
    """The context of an active key, or None (unknown, revoked or expired). Reads the key from
    this process's cache when it was read less than API_KEY_CACHE_SECONDS ago; expiry is checked
    on every call. Writes `last_used_at` at most once a minute per key."""
    active = _active_key(hash_secret(secret))
    if active is None:
        return None
    key, context = active
    now = timezone.now()
    if key.expires_at is not None and key.expires_at <= now:
        return None
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        # At most one write per key per minute, not one per request.
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return context


def user_context(user: AbstractBaseUser, merchant_id: str | None = None) -> AuthContext | None:
    """Platform staff act across merchants (or for the one named); members act for theirs."""
    if not user.is_active:
        return None
    if user.is_staff or user.is_superuser:
        merchant = Merchant.objects.filter(pk=merchant_id).first() if merchant_id else None
        return AuthContext(
            merchant=merchant, scopes=frozenset(ALL_SCOPES), user=user, is_platform_staff=True
        )
    membership = Membership.objects.select_related("merchant").filter(user=user).first()
    if membership is None:
        return None
    return AuthContext(
        merchant=membership.merchant,
        scopes=ROLE_SCOPES[membership.role],
        user=user,
        role=membership.role,
    )


def api_key_list(*, context: AuthContext) -> QuerySet[ApiKey]:
    keys = ApiKey.objects.all()
    if context.merchant is not None:
        keys = keys.filter(merchant=context.merchant)
    return keys


def api_key_get(*, context: AuthContext, key_id: str) -> ApiKey:
    key = api_key_list(context=context).filter(pk=key_id).first()
    if key is None:
        raise NotFound(f"No such API key: '{key_id}'", param="id")
    return key


def member_list(*, context: AuthContext) -> QuerySet[Membership]:
    """The memberships of the caller's merchant (platform staff: of the merchant they name)."""
    return Membership.objects.select_related("user").filter(merchant=context.merchant)


def member_get(*, context: AuthContext, member_id: str) -> Membership:
    """One membership of the caller's merchant; another merchant's or an unknown id is a 404."""
    member = (
        member_list(context=context).filter(pk=member_id).first() if member_id.isdigit() else None
    )
    if member is None:
        raise NotFound(f"No such team member: '{member_id}'", param="id")
    return member


def is_last_admin(membership: Membership) -> bool:
    """True when `membership` is its merchant's only admin (demoting or removing it would leave
    the merchant without one; the services refuse that under a lock, this is the early check the
    back office's forms show as a field error)."""
    if membership.role != Role.ADMIN:
        return False
    admins = Membership.objects.filter(merchant_id=membership.merchant_id, role=Role.ADMIN)
    return not admins.exclude(pk=membership.pk).exists()
