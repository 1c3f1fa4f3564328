"""`api_key_auth_ms` (issue 19): the cost of authenticating a request by API key with a warm
per-process key cache, measured in-process on the ledger benchmark's scratch database with the
production settings (API_KEY_CACHE_MS as deployed).

    python -m ops.bench.auth_probe KEY      (prints one JSON line)
"""

from __future__ import annotations

import json
import os
import sys
import time

CALLS = 20_000


class _Request:
    """What DRF's authentication reads of a request: the Authorization header."""

    def __init__(self, key: str) -> None:
        self.META = {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def main() -> None:
    # Django is set up here, not at import: `make bench` imports every module of the package.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcp_payments.settings.production")
    import django

    django.setup()
    from mcp_payments.accounts.authentication import ApiKeyAuthentication

    request = _Request(sys.argv[1])
    authentication = ApiKeyAuthentication()
    if authentication.authenticate(request) is None:  # warms the cache
        raise SystemExit("the key did not authenticate")
    # Timed in slices shorter than the cache's lifetime, each after a warm-up call, so every
    # timed call is a warm one (the figure is the warm cost; a refresh is one indexed SELECT).
    timings: list[float] = []
    while len(timings) < CALLS // 200:
        authentication.authenticate(request)
        began = time.perf_counter()
        for _ in range(200):
            authentication.authenticate(request)
        timings.append((time.perf_counter() - began) / 200)
    print(json.dumps({"api_key_auth_ms": round(sorted(timings)[len(timings) // 2] * 1000, 4)}))


if __name__ == "__main__":
    main()
