"""MCP `tools/call` latency over Streamable HTTP, 8 concurrent clients.

On a scratch database (`<name>_bench_mcp`, migrated and seeded with funded wallets on every
run), the project's ASGI application under uvicorn (BENCH_MCP_WORKERS processes, default 1;
production settings, persistent connections in the MCP worker pool) serves /mcp. Eight
clients, each with its own keep-alive connection, send JSON-RPC `tools/call` requests one after
another (stateless server: no session, as the SDK's client sends them after the handshake):

- read: `get_customer` (auth, scope and policy check, selector, representation, audit row);
- write: `create_transfer` between random funded wallets, each call with distinct arguments
  (derived idempotency key claimed and completed, daily-limit-free key, ledger entry, events,
  audit rows).

Figures: `mcp_read_p50_ms`, `mcp_read_p95_ms`, `mcp_write_p50_ms`, `mcp_write_p95_ms`, the
calls per second of each phase, and the server's CPU time per call (`mcp_*_server_cpu_ms`, the
figure least disturbed by whatever else the machine runs). `python -m ops.bench mcp` runs it;
`python -m ops.bench.mcp` alone prints the figures.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx2

from . import http
from .context import REPO_ROOT, BenchContext
from .profile import profiling, tree_cpu_seconds
from .registry import BenchmarkSkipped, Figures, benchmark

CLIENTS = 8
# uvicorn worker processes (each with its own MCP worker-thread pool).
WORKERS = int(os.environ.get("BENCH_MCP_WORKERS", "1"))
CALLS_PER_CLIENT = int(os.environ.get("BENCH_MCP_CALLS", "250"))
WARMUP_CALLS = 20
WALLETS = 200
HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
    "MCP-Protocol-Version": "2025-11-25",
}


def _database(ctx: BenchContext) -> str:
    return f"{ctx.database.name}_bench_mcp"


@contextmanager
def _uvicorn(env: dict[str, str], port: int):
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "uvicorn",
            "mcp_payments.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "on",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=REPO_ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        http._wait_ready(port, process)
        yield f"http://127.0.0.1:{port}/mcp", process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def _call(client: httpx2.AsyncClient, url: str, name: str, arguments: dict) -> float:
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }
    started = time.perf_counter()
    response = await client.post(url, content=json.dumps(body))
    elapsed = (time.perf_counter() - started) * 1000
    result = response.json().get("result") if response.status_code == 200 else None
    if result is None or result.get("isError"):
        raise BenchmarkSkipped(f"{name} failed: {response.status_code} {response.text[:300]}")
    return elapsed


async def _phase(url: str, token: str, arguments_of, name: str) -> tuple[list[float], float]:
    """Each client: warm-up calls, then CALLS_PER_CLIENT timed calls in sequence."""
    headers = {**HEADERS, "Authorization": f"Bearer {token}"}

    async def client(index: int) -> list[float]:
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http_client:
            for call in range(WARMUP_CALLS):
                await _call(http_client, url, name, arguments_of(index, -call - 1))
            return [
                await _call(http_client, url, name, arguments_of(index, call))
                for call in range(CALLS_PER_CLIENT)
            ]

    started = time.perf_counter()
    samples = await asyncio.gather(*(client(index) for index in range(CLIENTS)))
    elapsed = time.perf_counter() - started
    return [value for client_samples in samples for value in client_samples], elapsed


def _percentile(values: list[float], fraction: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


async def _measure(
    url: str, pid: int, token: str, wallets: list[str], database: str = ""
) -> Figures:
    headers = {**HEADERS, "Authorization": f"Bearer {token}"}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as setup:
        response = await setup.post(
            url,
            content=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "tools/call",
                    "params": {"name": "create_customer", "arguments": {"name": "Bench"}},
                }
            ),
        )
    customer = response.json()["result"]["structuredContent"]["id"]
    rng = random.Random(7)  # noqa: S311 (a repeatable choice of wallets)

    def read(index: int, call: int) -> dict:
        return {"id": customer}

    def write(index: int, call: int) -> dict:
        source, destination = rng.sample(wallets, 2)
        return {
            "source_wallet": source,
            "destination_wallet": destination,
            "amount": 1,
            "currency": "usd",
            "description": f"bench {index}:{call}",
        }

    calls = CLIENTS * (CALLS_PER_CLIENT + WARMUP_CALLS)
    cpu_before = tree_cpu_seconds(pid)
    with profiling("mcp_read", database) as window:
        reads, read_seconds = await _phase(url, token, read, "get_customer")
        window.units = calls
    cpu_reads = tree_cpu_seconds(pid) - cpu_before
    with profiling("mcp_write", database) as window:
        writes, write_seconds = await _phase(url, token, write, "create_transfer")
        window.units = calls
    cpu_writes = tree_cpu_seconds(pid) - cpu_before - cpu_reads
    return {
        "mcp_read_p50_ms": round(statistics.median(reads), 2),
        "mcp_read_p95_ms": round(_percentile(reads, 0.95), 2),
        "mcp_read_calls_per_s": round(len(reads) / read_seconds, 1),
        "mcp_write_p50_ms": round(statistics.median(writes), 2),
        "mcp_write_p95_ms": round(_percentile(writes, 0.95), 2),
        "mcp_write_calls_per_s": round(len(writes) / write_seconds, 1),
        # Server CPU per call (all its processes): the figure least disturbed by other load.
        "mcp_read_server_cpu_ms": round(cpu_reads * 1000 / calls, 2),
        "mcp_write_server_cpu_ms": round(cpu_writes * 1000 / calls, 2),
    }


@benchmark("mcp")
def mcp_tools_call(ctx: BenchContext) -> Figures:
    database = _database(ctx)
    try:
        http.recreate_database(ctx, database)
    except Exception as exc:  # psycopg.Error and connection failures alike
        raise BenchmarkSkipped(f"cannot create database {database}: {exc}") from exc
    port = http.free_port()
    env = {
        **http.server_env(ctx, database),
        "MCP_RESOURCE_URL": f"http://127.0.0.1:{port}/mcp",
        "MCP_WORKER_THREADS": os.environ.get("BENCH_MCP_THREADS", "4"),
    }
    http.manage(env, "migrate", "--noinput", "-v0")
    wallets_file = REPO_ROOT / "var" / "bench" / "mcp_wallets.txt"
    seeded = http.seed(env, "ledger", "--wallets", str(WALLETS), "--out", str(wallets_file))
    wallets = Path(seeded["wallets_file"]).read_text().split()
    with _uvicorn(env, port) as (url, pid):
        return asyncio.run(_measure(url, pid, seeded["api_key"], wallets, database))


def run() -> dict[str, float]:
    return mcp_tools_call(BenchContext.from_env())


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
