"""Who calls: the bearer token (API key or dashboard JWT) resolved to the same `AuthContext` the
REST API uses, through the SDK's `TokenVerifier` protocol (so a missing or bad token is the
SDK's 401 with the protected-resource metadata)."""

import hashlib
import math
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.context import ServerRequestContext
from pydantic import Field

from mcp_payments.accounts.authentication import context_for_token
from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.selectors import api_key_context
from mcp_payments.agents.selectors import assistant_context

P = ParamSpec("P")
R = TypeVar("R")

# MCP's ORM work runs here: a fixed pool (so a fixed number of database connections, each
# reused up to CONN_MAX_AGE), not one thread per request, and not Django's single
# thread-sensitive thread (which would serialize every call).
_executor = ThreadPoolExecutor(
    max_workers=settings.MCP_WORKER_THREADS, thread_name_prefix="mcp-orm"
)


# A connection this thread released less than this long ago is not health-checked again
# (CONN_HEALTH_CHECKS costs a round trip per job, two per HTTP request: auth, then the call).
_RECENTLY_USED_SECONDS = 1.0
_thread = threading.local()


def _with_connection_hygiene(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """What Django does around a request: after each job, close connections that broke or
    outlived CONN_MAX_AGE (all of them when it is 0). One idle for longer than a second gets
    Django's health check before its next use."""
    if time.monotonic() - getattr(_thread, "released_at", -math.inf) < _RECENTLY_USED_SECONDS:
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None and not connection.errors_occurred:
                connection.health_check_done = True
    try:
        return fn(*args, **kwargs)
    finally:
        close_old_connections()
        _thread.released_at = time.monotonic()


def run_sync(fn: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`fn` (ORM code) as a coroutine running in the MCP worker pool."""
    return sync_to_async(
        partial(_with_connection_hygiene, fn), thread_sensitive=False, executor=_executor
    )


class CallerToken(AccessToken):
    """The SDK's access token, carrying the resolved caller for the request's handlers."""

    caller: Any = Field(default=None, exclude=True)


class ApiTokenVerifier:
    """`mcp.server.auth.provider.TokenVerifier`: API keys (`sk_…`) and JWT access tokens."""

    async def verify_token(self, token: str) -> AccessToken | None:
        context = await run_sync(mcp_context_for_token)(token)
        if context is None:
            return None
        key = context.api_key
        return CallerToken(
            # Never the secret itself: the token object lives for the whole request.
            token=hashlib.sha256(token.encode()).hexdigest(),
            client_id=context.actor_id,
            scopes=sorted(context.scopes),
            expires_at=int(key.expires_at.timestamp()) if key and key.expires_at else None,
            caller=context,
        )


def mcp_context_for_token(token: str) -> AuthContext | None:
    """The caller of `/mcp`: an API key as itself (its own agent policy); a dashboard user's JWT
    as the merchant's assistant acting for that user, under the assistant policy."""
    context = context_for_token(token)
    if context is None or context.api_key is not None:
        return context
    return assistant_context(context)


CallerResolver = Callable[[ServerRequestContext[Any, Any]], Awaitable[AuthContext | None]]


async def http_caller(ctx: ServerRequestContext[Any, Any]) -> AuthContext | None:
    """The caller of an HTTP request, as the bearer middleware verified it."""
    user = getattr(ctx.request, "user", None)
    if isinstance(user, AuthenticatedUser) and isinstance(user.access_token, CallerToken):
        return user.access_token.caller
    return None


def stdio_caller(secret: str) -> CallerResolver:
    """stdio has one caller, the key given at start; it is re-read on every request, so a key
    revoked or expired while the server runs stops working at once."""

    async def resolve(ctx: ServerRequestContext[Any, Any]) -> AuthContext | None:
        return await run_sync(api_key_context)(secret)

    return resolve
