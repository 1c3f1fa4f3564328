"""Writes for merchants, members and API keys. Each public service owns one transaction and
writes its audit row in it."""

import secrets
import string
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from mcp_payments.audit.records import audit_record

from .context import AuthContext
from .exceptions import (
    ApiKeyAlreadyRevoked,
    InvalidScope,
    LastAdmin,
    MembershipExists,
    UsernameTaken,
)
from .models import ApiKey, Membership, Merchant, Role
from .scopes import normalize_scopes
from .selectors import forget_api_key, hash_secret

SECRET_BYTES = 24  # 192 bits


@dataclass(frozen=True)
class AgentPolicy:
    max_amount_per_call: int | None = None
    daily_limit: dict[str, int] | None = None
    approval_above: int | None = None
    allowed_tools: list[str] | None = None
    expires_at: datetime | None = None
    read_only: bool = False


@dataclass(frozen=True)
class CreatedApiKey:
    key: ApiKey
    secret: str  # shown once, never stored


@dataclass(frozen=True)
class CreatedMerchant:
    merchant: Merchant
    user: AbstractBaseUser
    password: str
    api_key: CreatedApiKey


def _key_summary(key: ApiKey) -> dict:
    return {
        "name": key.name,
        "mode": key.mode,
        "scopes": list(key.scopes),
        "last4": key.secret_last4,
        "agent_policy": key.has_agent_policy,
        "revoked": key.revoked_at is not None,
    }


def _create_key(
    *,
    merchant: Merchant,
    scopes: list[str] | str,
    name: str,
    mode: str,
    policy: AgentPolicy | None,
    context: AuthContext | None,
) -> CreatedApiKey:
    try:
        normalized = normalize_scopes(scopes)
    except ValueError as exc:
        raise InvalidScope(str(exc), param="scopes") from None
    if not normalized:
        raise InvalidScope("A key needs at least one scope.", param="scopes")
    secret = f"sk_{mode}_{secrets.token_urlsafe(SECRET_BYTES)}"
    policy = policy or AgentPolicy()
    key = ApiKey.objects.create(
        merchant=merchant,
        name=name,
        mode=mode,
        secret_hash=hash_secret(secret),
        secret_last4=secret[-4:],
        scopes=normalized,
        max_amount_per_call=policy.max_amount_per_call,
        daily_limit=policy.daily_limit or {},
        approval_above=policy.approval_above,
        allowed_tools=policy.allowed_tools,
        expires_at=policy.expires_at,
        read_only=policy.read_only,
    )
    audit_record(
        context=context,
        action="api_key.created",
        object_type="api_key",
        object_id=key.id,
        merchant_id=merchant.id,
        after=_key_summary(key),
    )
    return CreatedApiKey(key=key, secret=secret)


def api_key_create(
    *,
    merchant: Merchant,
    scopes: list[str] | str,
    name: str = "",
    mode: str = ApiKey.Mode.TEST,
    policy: AgentPolicy | None = None,
    context: AuthContext | None,
) -> CreatedApiKey:
    """Create a key with the given scopes and optional agent policy. The secret is returned once;
    only its SHA-256 is stored. Audited as `api_key.created`."""
    with transaction.atomic():
        return _create_key(
            merchant=merchant, scopes=scopes, name=name, mode=mode, policy=policy, context=context
        )


def api_key_revoke(*, key: ApiKey, context: AuthContext | None) -> ApiKey:
    """Revoke a key at once (conditional update: revoking twice is a 409). Audited."""
    with transaction.atomic():
        now = timezone.now()
        updated = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now)
        if not updated:
            raise ApiKeyAlreadyRevoked()
        key.revoked_at = now
        forget_api_key(key)
        audit_record(
            context=context,
            action="api_key.revoked",
            object_type="api_key",
            object_id=key.id,
            merchant_id=key.merchant_id,
            before={"revoked": False},
            after={"revoked": True},
        )
        return key


def random_password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(20))


def merchant_create(
    *,
    name: str,
    email: str = "",
    username: str | None = None,
    scopes: list[str] | str = "*",
    key_name: str = "Default sandbox key",
    context: AuthContext | None = None,
) -> CreatedMerchant:
    """A merchant with its dashboard admin user and a sandbox secret key, in one transaction."""
    with transaction.atomic():
        merchant = Merchant.objects.create(name=name, email=email)
        password = random_password()
        user = get_user_model().objects.create_user(
            username=username or f"{merchant.id.lower()}-admin", email=email, password=password
        )
        Membership.objects.create(user=user, merchant=merchant, role=Role.ADMIN)
        audit_record(
            context=context,
            action="merchant.created",
            object_type="merchant",
            object_id=merchant.id,
            merchant_id=merchant.id,
            after={"name": name, "admin_user": user.get_username()},
        )
        key = _create_key(
            merchant=merchant,
            scopes=scopes,
            name=key_name,
            mode=ApiKey.Mode.TEST,
            policy=None,
            context=context,
        )
        return CreatedMerchant(merchant=merchant, user=user, password=password, api_key=key)


def _lock_admins(merchant_id: str) -> list[int]:
    """Lock the merchant's admin memberships in id order (a fixed order: no deadlock between two
    concurrent demotions) and return their ids."""
    return list(
        Membership.objects.select_for_update()
        .filter(merchant_id=merchant_id, role=Role.ADMIN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise InvalidScope(
            f"Unknown role: {role!r}; one of {', '.join(Role.values)}.", param="role"
        )


def membership_set_role(
    *, membership: Membership, role: str, context: AuthContext | None
) -> Membership:
    """Change a member's role. Refuses an unknown role (400 `param: role`) and demoting the
    merchant's last admin (409 `last_admin`): the admins are locked in id order first, so two
    concurrent demotions cannot both pass. Audited as `membership.role_changed`."""
    _check_role(role)
    with transaction.atomic():
        admins = _lock_admins(membership.merchant_id)
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        before = locked.role
        if before == Role.ADMIN and role != Role.ADMIN and admins == [locked.pk]:
            raise LastAdmin()
        locked.role = role
        locked.save(update_fields=["role"])
        audit_record(
            context=context,
            action="membership.role_changed",
            object_type="user",
            object_id=str(locked.user_id),
            merchant_id=locked.merchant_id,
            before={"role": before},
            after={"role": role},
        )
        return locked


def membership_add(
    *, user: AbstractBaseUser, merchant: Merchant, role: str, context: AuthContext | None
) -> Membership:
    """Give an existing user `role` at `merchant` (the back office's "add membership"). Raises
    InvalidScope (`param: role`) for an unknown role and MembershipExists (409) when the user
    already belongs to a merchant (one membership per user). Audited as `membership.created`."""
    _check_role(role)
    with transaction.atomic():
        if Membership.objects.select_for_update().filter(user=user).exists():
            raise MembershipExists()
        return _add_membership(user=user, merchant=merchant, role=role, context=context)


def _add_membership(
    *, user: AbstractBaseUser, merchant: Merchant, role: str, context: AuthContext | None
) -> Membership:
    """The membership row and its `membership.created` audit (inside the caller's transaction)."""
    membership = Membership.objects.create(user=user, merchant=merchant, role=role)
    audit_record(
        context=context,
        action="membership.created",
        object_type="user",
        object_id=str(user.pk),
        merchant_id=merchant.id,
        after={"username": user.get_username(), "role": role},
    )
    return membership


@dataclass(frozen=True)
class CreatedMember:
    membership: Membership
    password: str  # a first password, shown once; the member changes it


def member_create(
    *, merchant: Merchant, username: str, email: str, role: str, context: AuthContext | None
) -> CreatedMember:
    """Add a dashboard user with `role` to `merchant` and return a random first password (shown
    once, only its hash is stored). Raises InvalidScope (`param: role`) for an unknown role and
    UsernameTaken (`param: username`) for a username in use. Audited as `membership.created`."""
    _check_role(role)
    users = get_user_model().objects
    with transaction.atomic():
        if users.filter(username__iexact=username).exists():
            raise UsernameTaken()
        password = random_password()
        user = users.create_user(username=username, email=email, password=password)
        membership = _add_membership(user=user, merchant=merchant, role=role, context=context)
        return CreatedMember(membership=membership, password=password)


def member_remove(*, membership: Membership, context: AuthContext | None) -> None:
    """Remove a member from their merchant: the membership goes and the user is deactivated (so
    their JWTs stop working). Removing the last admin is refused (409 `last_admin`). Audited as
    `membership.removed`."""
    with transaction.atomic():
        admins = _lock_admins(membership.merchant_id)
        locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        if locked.role == Role.ADMIN and admins == [locked.pk]:
            raise LastAdmin()
        user = locked.user
        audit_record(
            context=context,
            action="membership.removed",
            object_type="user",
            object_id=str(user.pk),
            merchant_id=locked.merchant_id,
            before={"username": user.get_username(), "role": locked.role},
        )
        locked.delete()
        user.is_active = False
        user.save(update_fields=["is_active"])
