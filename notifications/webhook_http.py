"""The outbound POST of a webhook attempt, to the address `url_policy` checked.

urllib3 connects to `Target.ip` and presents the URL's host as Host header, TLS SNI and the name
the certificate must match, so a DNS answer that changes between the check and the connection
(rebinding) cannot redirect the request. No redirect is followed (a 3xx is a failure), nothing is
retried here (the delivery's schedule does), the whole attempt has one deadline (connect, send,
headers and body), compressed bodies are not decoded, and at most `READ_LIMIT` bytes of the
response are read (a longer body closes the connection instead of being drained). Connections
are kept alive and reused per (scheme, address, port, host).
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error

from .url_policy import Target

STORED_BODY_BYTES = 1024
READ_LIMIT = 64 * 1024
MAX_POOLS = 256
# Kept-alive connections per destination: one per worker thread posting to it at once.
POOL_CONNECTIONS = 16
USER_AGENT = "MCP-Payments-Webhooks/1.0"


@dataclass(frozen=True)
class Outcome:
    """What one attempt produced: a response (any status) or an error."""

    status_code: int | None
    latency_ms: int
    response_body: str = ""
    error_type: str = ""
    error_message: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class DeadlineExceeded(Exception):
    """The response body did not arrive within the attempt's deadline."""


_pools: OrderedDict[tuple[str, str, int, str], urllib3.HTTPConnectionPool] = OrderedDict()
_pools_lock = threading.Lock()


def _pool(target: Target, timeout: float) -> urllib3.HTTPConnectionPool:
    key = (target.scheme, target.ip, target.port, target.host)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is not None:
            _pools.move_to_end(key)
            return pool
        if target.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                target.ip,
                target.port,
                maxsize=POOL_CONNECTIONS,
                retries=False,
                timeout=timeout,
                cert_reqs="CERT_REQUIRED",
                server_hostname=target.host,
                assert_hostname=target.host,
            )
        else:
            pool = urllib3.HTTPConnectionPool(
                target.ip, target.port, maxsize=POOL_CONNECTIONS, retries=False, timeout=timeout
            )
        _pools[key] = pool
        while len(_pools) > MAX_POOLS:
            _, evicted = _pools.popitem(last=False)
            evicted.close()
        return pool


def close_pools() -> None:
    """Close every kept-alive connection (tests, worker shutdown)."""
    with _pools_lock:
        while _pools:
            _, pool = _pools.popitem()
            pool.close()


def _read_capped(response: urllib3.BaseHTTPResponse, deadline: float) -> tuple[bytes, bool]:
    """Up to READ_LIMIT bytes of the body, before `deadline`; and whether the body ended."""
    chunks: list[bytes] = []
    size = 0
    while size < READ_LIMIT:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise DeadlineExceeded("the response body did not arrive in time")
        sock = getattr(response.connection, "sock", None)
        if sock is not None:
            sock.settimeout(remaining)
        chunk = response.read1(READ_LIMIT - size, decode_content=False)
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Outcome:
    """POST `body` to `target`; never raises for network or HTTP failures."""
    started = time.perf_counter()
    deadline = started + timeout
    request_headers = {
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Content-Type": "application/json",
        "Accept-Encoding": "identity",
        **headers,
    }
    pool = _pool(target, timeout)
    response = None
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers=request_headers,
            retries=False,
            redirect=False,
            assert_same_host=False,
            preload_content=False,
            decode_content=False,
            timeout=urllib3.Timeout(total=timeout),
        )
        content, complete = _read_capped(response, deadline)
    except (Urllib3Error, DeadlineExceeded, OSError) as exc:
        if response is not None:
            response.close()
            response.release_conn()
        return Outcome(
            status_code=None,
            latency_ms=_elapsed_ms(started),
            error_type=type(exc).__name__,
            error_message=str(exc)[:500],
        )
    if complete:
        response.release_conn()
    else:
        # Too long to drain: drop this connection rather than read the rest.
        response.close()
        response.release_conn()
    return Outcome(
        status_code=response.status,
        latency_ms=_elapsed_ms(started),
        response_body=content[:STORED_BODY_BYTES].decode("utf-8", errors="replace"),
    )


# Durations use perf_counter (monotonic, high resolution; and left alone by time-machine, which
# the tests use to move the wall clock and `time.monotonic`).
def _elapsed_ms(started: float) -> int:
    return max(0, round((time.perf_counter() - started) * 1000))
