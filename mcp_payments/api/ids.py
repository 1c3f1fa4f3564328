"""Prefixed, time-sortable public ids (`cus_01J...`).

An id is the type prefix plus a 26-character ULID (48-bit millisecond timestamp, 80 random bits,
Crockford base32). Ids sort by creation time, so "newest first" lists and cursors order by id.
"""

import os
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ULID_LENGTH = 26


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


_lock = threading.Lock()
_last: tuple[int, int] = (0, 0)


def new_ulid() -> str:
    """Monotonic within this process: ids made in the same millisecond keep their order."""
    global _last
    with _lock:
        timestamp_ms = time.time_ns() // 1_000_000
        last_ms, last_random = _last
        if timestamp_ms <= last_ms:
            timestamp_ms, randomness = last_ms, last_random + 1
        else:
            randomness = int.from_bytes(os.urandom(10), "big") >> 1  # room to increment
        _last = (timestamp_ms, randomness)
    return _encode(timestamp_ms, 10) + _encode(randomness, 16)


def new_id(prefix: str) -> str:
    return f"{prefix}_{new_ulid()}"


def lowest_id_at(prefix: str, timestamp_ms: int) -> str:
    """The smallest id that could have been created at `timestamp_ms` (for time-range filters)."""
    return f"{prefix}_{_encode(timestamp_ms, 10)}{'0' * 16}"


def has_prefix(value: object, prefix: str) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(prefix + "_")
        and len(value) == len(prefix) + 1 + ULID_LENGTH
    )
