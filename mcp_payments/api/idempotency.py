"""Idempotency keys (API.md §1), shared by the REST API, MCP tools and Celery jobs.

`idempotency_begin` claims (scope, key) with one INSERT ... ON CONFLICT outside the caller's
transaction, so concurrent requests with the same key race on the unique index, never on a
read-check-write. The winner runs; the others get `idempotency_key_in_use` (409) until the winner
stores its response with `idempotency_complete`, after which they get the replay.
"""

import hashlib
import json
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .errors import IdempotencyKeyInUse, IdempotencyKeyReused, InvalidRequest
from .models import IdempotencyRecord

MAX_KEY_LENGTH = 255

# The idempotency record of the request being served (set by the REST view and the MCP tool
# path while the request runs), so the effect's transaction can name itself in it. A one-item
# list: [record id], emptied once the first effect was named (one UPDATE per request at most).
current_record: ContextVar[list[int] | None] = ContextVar("idempotency_record", default=None)


@dataclass(frozen=True)
class Claimed:
    record_id: int


@dataclass(frozen=True)
class Replay:
    status: int
    body: Any


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """Same method, path and JSON body (key order and spacing ignored) → same fingerprint."""
    try:
        canonical = json.dumps(json.loads(body or b"{}"), sort_keys=True, separators=(",", ":"))
        payload = canonical.encode()
    except (ValueError, UnicodeDecodeError):
        payload = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + payload).hexdigest()


def canonical_json(arguments: Any) -> str:
    """`arguments` as JSON with sorted keys and no spacing: equal arguments, equal text."""
    return json.dumps(arguments, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def derived_idempotency_key(
    *, prefix: str, actor: str, operation: str, arguments: Any, now: float | None = None
) -> str:
    """The key of a call that gave none: (actor, operation, canonical arguments) within the
    current window (MCP_IDEMPOTENCY_WINDOW_SECONDS, aligned to the epoch), so an identical
    retry inside the window is the same call. `prefix` names the interface ("mcp", "rest")."""
    window = int((time.time() if now is None else now) // settings.MCP_IDEMPOTENCY_WINDOW_SECONDS)
    material = f"{actor}\n{operation}\n{canonical_json(arguments)}\n{window}"
    digest = hashlib.sha256(material.encode()).hexdigest()[:40]
    return f"{prefix}_{operation}_{window}_{digest}"


def validate_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidRequest(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.",
            code="idempotency_key_invalid",
            param="Idempotency-Key",
        )
    return key


def idempotency_begin(*, scope: str, key: str, fingerprint: str) -> Claimed | Replay:
    """Claim the key, or say what the first request answered. Runs in autocommit."""
    validate_key(key)
    now = timezone.now()
    expires_at = now + timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    stale_before = now - timedelta(seconds=settings.IDEMPOTENCY_LOCK_TIMEOUT_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO api_idempotencyrecord
                (scope, key, fingerprint, state, locked_at, created, expires_at)
            VALUES (%s, %s, %s, 'in_progress', %s, %s, %s)
            ON CONFLICT (scope, key) DO UPDATE
                SET fingerprint = EXCLUDED.fingerprint, state = 'in_progress',
                    response_status = NULL, response_body = NULL,
                    locked_at = EXCLUDED.locked_at, created = EXCLUDED.created,
                    expires_at = EXCLUDED.expires_at
                WHERE api_idempotencyrecord.expires_at < %s
                   OR (api_idempotencyrecord.state = 'in_progress'
                       AND api_idempotencyrecord.locked_at < %s
                       AND api_idempotencyrecord.effect_id IS NULL
                       AND api_idempotencyrecord.fingerprint = EXCLUDED.fingerprint)
            RETURNING id
            """,
            [scope, key, fingerprint, now, now, expires_at, now, stale_before],
        )
        row = cursor.fetchone()
        if row is not None:
            return Claimed(record_id=row[0])
        cursor.execute(
            "SELECT id, fingerprint, state, response_status, response_body::text, locked_at,"
            " effect_type, effect_id FROM api_idempotencyrecord WHERE scope = %s AND key = %s",
            [scope, key],
        )
        existing = cursor.fetchone()
    if existing is None:
        # Deleted between our INSERT and SELECT (the first request failed validation): retry.
        return idempotency_begin(scope=scope, key=key, fingerprint=fingerprint)
    record_id, stored_fingerprint, state, status, body, locked_at, effect_type, effect_id = existing
    if stored_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if state != IdempotencyRecord.State.COMPLETED:
        if effect_id is not None and locked_at < stale_before:
            return _recovered(record_id, effect_type, effect_id)
        raise IdempotencyKeyInUse()
    return Replay(status=status, body=json.loads(body))


def _recovered(record_id: int, effect_type: str, effect_id: str) -> Replay:
    """The first request committed its effect and died before storing its response: answer
    with the effect's current representation (200), stored for later retries."""
    from mcp_payments.events.representations import represent_current

    body = represent_current(effect_type, effect_id)
    idempotency_complete(record_id=record_id, status=200, body=body)
    return Replay(status=200, body=body)


def idempotency_effect(*, object_type: str, object_id: str) -> None:
    """Building block, inside the effect's transaction (events call it): name the first object
    the current idempotent request changed in its record. No request record (or its effect
    already named): nothing, no query."""
    pending = current_record.get()
    if not pending:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE api_idempotencyrecord SET effect_type = %s, effect_id = %s"
            " WHERE id = %s AND effect_id IS NULL",
            [object_type, object_id, pending[0]],
        )
    pending.clear()


def idempotency_complete(*, record_id: int, status: int, body: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE api_idempotencyrecord SET state = 'completed', response_status = %s,"
            " response_body = %s::jsonb WHERE id = %s",
            [status, json.dumps(body), record_id],
        )


def idempotency_release(*, record_id: int) -> None:
    """Forget a claim whose request was refused or crashed, so a retry runs again — unless the
    request already committed an effect: then the claim stays, and a retry after the lease is
    answered with that effect (never executed twice)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM api_idempotencyrecord WHERE id = %s AND effect_id IS NULL", [record_id]
        )


def idempotency_purge_expired() -> int:
    """Delete records past their retention; returns how many."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM api_idempotencyrecord WHERE expires_at < %s", [timezone.now()])
        return cursor.rowcount


def should_store(status: int) -> bool:
    """Successes and business outcomes (declines, state conflicts) are stored; refusals of the
    request itself (validation, auth, not found, rate limit) and server errors are not."""
    return status < 400 or status in (402, 409)
