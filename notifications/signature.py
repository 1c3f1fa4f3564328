"""Webhook signatures (API.md §5), for the sender and for receivers.

    MCP-Payments-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

During a secret rotation the header carries one `v1=` per valid secret. A receiver computes the
HMAC of `"<t>.<raw body>"` with its secret, compares it in constant time with each `v1` value, and
rejects a timestamp more than `tolerance` seconds away from its clock (replays). This module has
no Django dependency: receivers may copy it as is (docs/api.md, "Verifying webhook signatures").
"""

import hashlib
import hmac
import time
from collections.abc import Sequence

SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


def compute(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `"<timestamp>.<body>"` keyed with `secret`."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str | Sequence[str], timestamp: int, body: bytes) -> str:
    """The `MCP-Payments-Signature` header value: `t=<timestamp>` and one `v1=` per secret."""
    secrets = [secret] if isinstance(secret, str) else list(secret)
    if not secrets:
        raise ValueError("at least one secret is needed to sign")
    parts = [f"t={timestamp}", *(f"{SCHEME}={compute(item, timestamp, body)}" for item in secrets)]
    return ",".join(parts)


def parse(header: str) -> tuple[int | None, list[str]]:
    """The timestamp and the `v1` signatures of a header (None and [] when malformed)."""
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                return None, []
        elif key == SCHEME:
            signatures.append(value)
    return timestamp, signatures


def verify(
    payload: bytes,
    header: str,
    secrets: Sequence[str] | str,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when one `v1` signature of `header` matches `payload` under one of `secrets` and the
    timestamp is within `tolerance` seconds of `now` (either side: stale or from the future)."""
    timestamp, signatures = parse(header or "")
    if timestamp is None or not signatures:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    candidates = [secrets] if isinstance(secrets, str) else list(secrets)
    matched = False
    for secret in candidates:
        expected = compute(secret, timestamp, payload)
        for signature in signatures:
            # Every comparison runs (no early exit), each in constant time.
            matched |= hmac.compare_digest(expected, signature)
    return matched
