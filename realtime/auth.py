"""Who a WebSocket is, and what it may subscribe to (API.md §6, docs/api.md "WebSockets").

Credentials, first found wins: `?token=<API key or JWT access token>`, an
`Authorization: Bearer <token>` header (non-browser clients), or the Django session cookie (the
dashboard). The session is only honoured when the browser's `Origin` is one of the site's own
hosts (a cross-site page cannot ride the cookie). `?merchant=mer_…` lets platform staff pick one
merchant; without it they see every merchant.

Each function here is synchronous (ORM): consumers call `subscription_for` through
`database_sync_to_async`.
"""

from dataclasses import dataclass
from importlib import import_module
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AbstractBaseUser
from django.http.cookie import parse_cookie
from django.http.request import validate_host

from mcp_payments.accounts.authentication import SECRET_PREFIXES, context_for_token
from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.selectors import user_context

from .groups import ALERTS, COMPLIANCE, DASHBOARD, PAYMENTS

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_SLOW_CONSUMER = 4008

COMPLIANCE_ROLE = "compliance"
# Any one of these scopes opens the stream (/ws/compliance is decided by role instead).
STREAM_SCOPES: dict[str, tuple[str, ...]] = {
    PAYMENTS: ("payments:read",),
    DASHBOARD: ("analytics:read",),
    ALERTS: ("risk:read", "compliance:read"),
}


class Refused(Exception):
    """The socket is accepted, then closed with `code`; `reason` is the close reason."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def token_expiry(scope: dict[str, Any]) -> float | None:
    """The `exp` (unix seconds) of the socket's JWT, if it authenticated with one."""
    token = query_params(scope).get("token") or _bearer(scope)
    if not token or token.startswith(SECRET_PREFIXES):
        return None
    from rest_framework_simplejwt.tokens import UntypedToken

    try:
        return float(UntypedToken(token)["exp"])
    except Exception:  # already refused by authenticate(); no expiry to watch
        return None


@dataclass(frozen=True)
class Subscription:
    """An authorized socket: whose events it receives."""

    context: AuthContext
    stream: str
    # None: every merchant (platform staff who did not pick one).
    merchant_id: str | None
    # The JWT's expiry (unix seconds): the socket closes with 4401 then (realtime.revocation).
    token_expiry: float | None = None

    @property
    def user_id(self) -> int | None:
        return self.context.user.pk if self.context.user is not None else None


def query_params(scope: dict[str, Any]) -> dict[str, str]:
    """The query string's parameters (the last value of each)."""
    raw = scope.get("query_string", b"")
    parsed = parse_qs(raw.decode("latin-1") if isinstance(raw, bytes) else raw)
    return {key: values[-1] for key, values in parsed.items() if values}


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _bearer(scope: dict[str, Any]) -> str | None:
    header = _header(scope, b"authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def origin_allowed(scope: dict[str, Any]) -> bool:
    """True without an Origin header (not a browser) or when it names one of the site's hosts."""
    origin = _header(scope, b"origin")
    if origin is None:
        return True
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    host = urlsplit(origin).hostname
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


def _session_user(scope: dict[str, Any]) -> AbstractBaseUser | None:
    """The user of the Django session cookie (as `AuthenticationMiddleware` would find it)."""
    cookie = _header(scope, b"cookie")
    session_key = parse_cookie(cookie).get(settings.SESSION_COOKIE_NAME) if cookie else None
    if not session_key:
        return None
    engine = import_module(settings.SESSION_ENGINE)
    request = SimpleNamespace(session=engine.SessionStore(session_key))
    user = get_user(request)
    if not user.is_authenticated:
        return None
    if not origin_allowed(scope):
        raise Refused(CLOSE_FORBIDDEN, "Origin not allowed for a session-authenticated socket.")
    return user


def authenticate(scope: dict[str, Any]) -> AuthContext | None:
    """The caller's context, or None when there are no valid credentials."""
    query = query_params(scope)
    merchant = query.get("merchant")
    token = query.get("token") or _bearer(scope)
    if token:
        context = context_for_token(token)
        if context is not None and context.is_platform_staff and merchant:
            context = user_context(context.user, merchant_id=merchant)
        return context
    user = _session_user(scope)
    return user_context(user, merchant_id=merchant) if user is not None else None


def stream_allowed(stream: str, context: AuthContext) -> bool:
    if stream == COMPLIANCE:
        return context.is_platform_staff or context.role == COMPLIANCE_ROLE
    return any(context.has_scope(scope) for scope in STREAM_SCOPES[stream])


def subscription_for(scope: dict[str, Any], stream: str) -> Subscription:
    """Authenticate and authorize a socket of `stream`; raise Refused (4401, 4403, 4404)."""
    context = authenticate(scope)
    if context is None:
        raise Refused(CLOSE_UNAUTHENTICATED, "Authentication required.")
    if not stream_allowed(stream, context):
        raise Refused(CLOSE_FORBIDDEN, f"Not allowed to subscribe to /ws/{stream}.")
    requested = query_params(scope).get("merchant")
    if context.is_platform_staff:
        if requested and context.merchant is None:
            raise Refused(CLOSE_NOT_FOUND, f"No such merchant: '{requested}'.")
    elif context.merchant is None or (requested and requested != context.merchant.pk):
        # Another merchant's id answers exactly as one that does not exist.
        raise Refused(CLOSE_NOT_FOUND, f"No such merchant: '{requested}'.")
    merchant_id = context.merchant.pk if context.merchant is not None else None
    return Subscription(
        context=context,
        stream=stream,
        merchant_id=merchant_id,
        token_expiry=token_expiry(scope),
    )
