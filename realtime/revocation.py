"""Credentials of open sockets re-checked while they stay open (docs/api.md "WebSockets").

A revoked or expired API key, an expired JWT and a deactivated user close their sockets with
4401 within `REALTIME_AUTH_RECHECK_SECONDS` (default 2 s; the contract is 5 s). One watcher per
event loop checks every open socket's credentials together, with at most two queries per round
(keys, users) whatever the number of sockets, so 5,000 sockets cost the same as one.
"""

import asyncio
import contextlib
import time
import weakref
from dataclasses import dataclass
from typing import Any, Protocol

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.models import ApiKey


@dataclass(frozen=True)
class Credential:
    """What a socket authenticated with: an API key's id, or a user's id and, for a JWT, the
    token's expiry (unix seconds)."""

    key_id: str | None = None
    user_id: Any = None
    expires_at: float | None = None


class Watched(Protocol):
    def credential_revoked(self) -> None:
        """Close the socket with 4401 (must not block)."""


def credential_of(context: AuthContext, token_expiry: float | None) -> Credential:
    if context.api_key is not None:
        return Credential(key_id=context.api_key.id)
    user = context.user
    return Credential(user_id=user.pk if user is not None else None, expires_at=token_expiry)


def valid_credentials(key_ids: set[str], user_ids: set[Any]) -> tuple[set[str], set[Any]]:
    """Of these keys and users, the ones still valid (two queries at most)."""
    now = timezone.now()
    keys: set[str] = set()
    if key_ids:
        keys = set(
            ApiKey.objects.filter(pk__in=key_ids, revoked_at__isnull=True)
            .exclude(expires_at__lte=now)
            .values_list("pk", flat=True)
        )
    users: set[Any] = set()
    if user_ids:
        users = set(
            get_user_model()
            .objects.filter(pk__in=user_ids, is_active=True)
            .values_list("pk", flat=True)
        )
    return keys, users


class Watcher:
    """The loop's sockets and their credentials; a task re-checks them while any is open."""

    def __init__(self) -> None:
        self.sockets: weakref.WeakKeyDictionary[Watched, Credential] = weakref.WeakKeyDictionary()
        self._task: asyncio.Task[None] | None = None

    def watch(self, socket: Watched, credential: Credential) -> None:
        self.sockets[socket] = credential
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def forget(self, socket: Watched) -> None:
        self.sockets.pop(socket, None)

    async def check(self) -> int:
        """One round: close the sockets whose credentials no longer hold; returns how many."""
        entries = list(self.sockets.items())
        if not entries:
            return 0
        key_ids = {c.key_id for _, c in entries if c.key_id is not None}
        user_ids = {c.user_id for _, c in entries if c.key_id is None and c.user_id is not None}
        keys, users = await database_sync_to_async(valid_credentials)(key_ids, user_ids)
        now = time.time()
        closed = 0
        for socket, credential in entries:
            if credential.key_id is not None:
                valid = credential.key_id in keys
            else:
                valid = credential.user_id in users and (
                    credential.expires_at is None or credential.expires_at > now
                )
            if not valid:
                self.forget(socket)
                socket.credential_revoked()
                closed += 1
        return closed

    async def _run(self) -> None:
        while self.sockets:
            await asyncio.sleep(settings.REALTIME_AUTH_RECHECK_SECONDS)
            with contextlib.suppress(Exception):  # a database blip: next round tries again
                await self.check()


_watchers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Watcher]" = (
    weakref.WeakKeyDictionary()
)


def get_watcher() -> Watcher:
    """The running loop's watcher."""
    loop = asyncio.get_running_loop()
    watcher = _watchers.get(loop)
    if watcher is None:
        watcher = _watchers[loop] = Watcher()
    return watcher
