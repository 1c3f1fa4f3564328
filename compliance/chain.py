"""The canonical serialization and hash of an audit entry, shared by sealing and verification."""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64

# Every column except the chain columns. Adding a column to AuditEntry means deciding here
# whether it is content (hashed) — a unit test fails until the lists cover every column.
CONTENT_FIELDS = (
    "id",
    "seq",
    "txid",
    "created",
    "merchant_id",
    "actor_type",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
    "ip",
)
CHAIN_FIELDS = ("chain_position", "prev_hash", "hash")


def _normalize(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def canonical_payload(*, content: dict[str, Any], prev_hash: str, chain_position: int) -> str:
    """Sorted-key compact JSON of the content columns plus the chain link."""
    document = {name: _normalize(content[name]) for name in CONTENT_FIELDS}
    document["prev_hash"] = prev_hash
    document["chain_position"] = chain_position
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(*, content: dict[str, Any], prev_hash: str, chain_position: int) -> str:
    payload = canonical_payload(content=content, prev_hash=prev_hash, chain_position=chain_position)
    return hashlib.sha256(payload.encode()).hexdigest()
