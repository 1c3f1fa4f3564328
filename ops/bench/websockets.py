"""WebSocket fan-out: 1,000 sockets on one merchant's /ws/payments, 200 payments at 5 per second.

On a scratch database (`<name>_bench_ws`, migrated on every run), a scratch broker namespace
(`bench.<token>.`) and channel-layer prefix, with real processes: the ASGI server under test
(uvicorn, as deployed for /ws/; `BENCH_WS_SERVER=daphne` to compare), `manage.py events_relay` and
`manage.py events_consume --domain realtime` (the broadcast subscriber). The load generator is
one asyncio process holding every socket (the `websockets` client); the payments are made through
the REST API (DRF's test client, in-process WSGI) by another process, `tok_visa`,
`confirm: true`, paced to 5 per second.

- `ws_fanout_p50_ms`, `ws_fanout_p95_ms`: for each payments-stream event of the measured
  payments, the time from the event's `created` (the outbox row, in the payment's transaction)
  to the moment the LAST of the sockets received it.
- `ws_first_p50_ms`, `ws_first_p95_ms`: the same to the FIRST socket (the pipeline alone: relay,
  RabbitMQ, the broadcast subscriber, Redis); the difference is the fan-out itself.
- `ws_fanout_clients`: sockets held open until the end; `ws_fanout_missing`: (socket, event)
  deliveries that never arrived (0 unless something was dropped).
- `ws_server_rss_mb` (and `ws_server_rss_peak_mb`): memory of the ASGI server process after the
  run; `ws_loadgen_cpu_share`: the load generator's share of the machine's CPU while measuring;
  `ws_server_cpu_us_per_delivery`: the server's CPU time per (socket, event) delivery, which
  compares servers even when the machine is shared (latencies do not).

`BENCH_WS_LAYER=pubsub` runs it on channels_redis' pub/sub layer instead of the default core
layer; `BENCH_WS_CLIENTS`, `BENCH_WS_PAYMENTS`, `BENCH_WS_RATE` change the load.
`python -m ops.bench websockets` runs it; `python -m ops.bench.websockets` alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import psycopg
from psycopg import sql

from .context import REPO_ROOT, BenchContext
from .profile import profiling
from .registry import BenchmarkSkipped, Figures, benchmark

CLIENTS = int(os.environ.get("BENCH_WS_CLIENTS", "1000"))
PAYMENTS = int(os.environ.get("BENCH_WS_PAYMENTS", "200"))
RATE = float(os.environ.get("BENCH_WS_RATE", "5"))
# The production choice for /ws/ (docs/api.md "WebSockets"): uvicorn, its sans-I/O websockets
# protocol, no per-message deflate. `daphne` measures the alternative.
SERVER = os.environ.get("BENCH_WS_SERVER", "uvicorn")
# uvicorn worker processes (each holds its share of the sockets and its own hub).
WORKERS = int(os.environ.get("BENCH_WS_WORKERS", "1"))
LAYER = os.environ.get("BENCH_WS_LAYER", "core")
WARMUP_PAYMENTS = 5
CONNECT_CONCURRENCY = 50
START_TIMEOUT_SECONDS = 90
CONNECT_TIMEOUT_SECONDS = 300
TAIL_SECONDS = 3.0
PYTHON = sys.executable
BIN = Path(sys.executable).parent
TAG = "bench-ws"
STREAM_TYPES = r"^(payment|refund|dispute)\."


def _database_name(ctx: BenchContext) -> str:
    return f"{ctx.database.name}_bench_ws"


def _env(ctx: BenchContext, token: str) -> dict[str, str]:
    db = ctx.database
    auth = db.user + (f":{db.password}" if db.password else "")
    prefix = f"bench.{token}."
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="mcp_payments.settings.base",
        DATABASE_URL=f"postgres://{auth}@{db.host}:{db.port}/{_database_name(ctx)}",
        EVENTS_QUEUE_PREFIX=prefix,
        EVENTS_EXCHANGE=f"{prefix}mcp_payments.events",
        EVENTS_DEAD_LETTER_EXCHANGE=f"{prefix}mcp_payments.dlx",
        CHANNEL_LAYER_PREFIX=f"bench-{token}",
        CHANNEL_LAYER_KIND=LAYER,
        SANDBOX_KEY_PREFIX=f"bench-ws-{token}",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO_ROOT),
    )


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        tail = " | ".join((result.stderr or result.stdout).strip().splitlines()[-3:])
        raise BenchmarkSkipped(f"manage.py {args[0]} failed: {tail}")
    return result.stdout


def _recreate_database(ctx: BenchContext) -> None:
    name = sql.Identifier(_database_name(ctx))
    try:
        with psycopg.connect(ctx.database.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    except psycopg.Error as exc:
        raise BenchmarkSkipped(f"cannot create database {_database_name(ctx)}: {exc}") from exc


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Process:
    """A process of the run, stopped (TERM, then KILL) on exit."""

    def __init__(self, stack: ExitStack, env: dict[str, str], args: list[str], **popen) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            args, cwd=REPO_ROOT, env=env, start_new_session=True, **popen
        )
        stack.callback(self.stop)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _server_args(port: int) -> list[str]:
    if SERVER == "uvicorn":
        return [
            str(BIN / "uvicorn"), "mcp_payments.asgi:application", "--lifespan", "on",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            "--ws", os.environ.get("BENCH_WS_UVICORN_WS", "websockets-sansio"),
            "--ws-per-message-deflate", "false", "--workers", str(WORKERS),
        ]  # fmt: skip
    if SERVER == "daphne":
        return [
            str(BIN / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "mcp_payments.asgi:application",
        ]
    raise BenchmarkSkipped(f"unknown BENCH_WS_SERVER {SERVER!r} (daphne or uvicorn)")


def _wait_http(url: str, process: _Process) -> None:
    import urllib.request

    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.process.poll() is not None:
            raise BenchmarkSkipped("the ASGI server exited at start")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url, timeout=2) as response,  # noqa: S310 - local URL
        ):
            if response.status == 200:
                return
        time.sleep(0.3)
    raise BenchmarkSkipped(f"the ASGI server did not answer within {START_TIMEOUT_SECONDS} s")


def _wait_consuming(conn_env: dict[str, str]) -> None:
    """Until the realtime queue has a consumer (RabbitMQ's own count)."""
    probe = (
        "import django; django.setup()\n"
        "from mcp_payments.events.topology import broker_connection, main_queue\n"
        "with broker_connection() as c:\n"
        "    ch = c.channel(); print(ch.queue_declare(queue=main_queue('realtime').name,"
        " passive=True)[2])\n"
    )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [PYTHON, "-c", probe], cwd=REPO_ROOT, env=conn_env, capture_output=True, text=True,
            timeout=60, check=False,
        )  # fmt: skip
        if result.returncode == 0 and result.stdout.strip() not in ("", "0"):
            return
        time.sleep(0.5)
    raise BenchmarkSkipped("the realtime consumer did not start")


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants so far."""
    total = 0
    for member in _tree(pid):
        with contextlib.suppress(OSError), open(f"/proc/{member}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> tuple[float, float]:
    """Resident memory (now, peak) of a process and its descendants, summed."""
    rss = peak = 0.0
    for member in _tree(pid):
        with contextlib.suppress(OSError), open(f"/proc/{member}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    peak += int(line.split()[1]) / 1024
    return rss, peak


def _create_payments(env: dict[str, str], key: str, count: int, rate: float, out: Path) -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "-m", "ops.bench.websockets", "pay", key, str(count), str(rate), str(out)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise BenchmarkSkipped(f"payment creator failed: {result.stderr.strip()[-300:]}")


def _latencies(
    conninfo: str, payment_ids: list[str], received: dict[str, list[float]], clients: int
) -> tuple[list[float], list[float], int, int]:
    """Per event of the measured payments: last receipt - created and first receipt - created
    (ms); missing deliveries; events."""
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "SELECT id, EXTRACT(EPOCH FROM created) FROM events_event "
            "WHERE object_id = ANY(%s) AND type ~ %s",
            (payment_ids, STREAM_TYPES),
        ).fetchall()
    latencies, firsts, missing = [], [], 0
    for event_id, created in rows:
        count, last, first = received.get(event_id, (0, 0.0, 0.0))
        missing += clients - count
        if count:
            latencies.append((last - float(created)) * 1000)
            firsts.append((first - float(created)) * 1000)
    return latencies, firsts, missing, len(rows)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@benchmark("websockets")
def websockets_fanout(ctx: BenchContext) -> Figures:
    try:
        import websockets  # noqa: F401
    except ImportError as exc:
        raise BenchmarkSkipped("the `websockets` client library is not installed") from exc
    token = uuid.uuid4().hex[:8]
    env = _env(ctx, token)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4 * CLIENTS:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8 * CLIENTS), hard))
    _recreate_database(ctx)
    _manage(env, "migrate", "--noinput", "-v0")
    created = json.loads(_manage(env, "create_merchant", TAG))
    key = created["api_key"]
    port = _free_port()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-ws-")))
        stack.callback(_manage, env, "events_topology", "--delete")
        _manage(env, "events_topology")
        _Process(stack, env, [PYTHON, "manage.py", "events_relay"])
        _Process(stack, env, [PYTHON, "manage.py", "events_consume", "--domain", "realtime"])
        server_log = stack.enter_context((work / "server.log").open("wb"))
        server = _Process(
            stack, env, _server_args(port), stdout=server_log, stderr=subprocess.STDOUT
        )
        _wait_http(f"http://127.0.0.1:{port}/health/live", server)
        _wait_consuming(env)

        url = f"ws://127.0.0.1:{port}/ws/payments?token={key}"
        results = work / "received.json"
        client = _Process(
            stack,
            env,
            [PYTHON, "-m", "ops.bench.websockets", "listen", url, str(CLIENTS), str(results)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = client.process.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise BenchmarkSkipped(f"the load generator did not connect its sockets: {ready}")

        _create_payments(env, key, WARMUP_PAYMENTS, RATE, work / "warmup.json")
        time.sleep(TAIL_SECONDS)
        server_cpu = _cpu_seconds(server.pid)
        window = stack.enter_context(profiling(f"ws_fanout_{CLIENTS}", _database_name(ctx)))
        _create_payments(env, key, PAYMENTS, RATE, work / "payments.json")
        time.sleep(TAIL_SECONDS)
        server_cpu = _cpu_seconds(server.pid) - server_cpu
        client.process.stdin.write("stop\n")
        client.process.stdin.flush()
        client.process.wait(timeout=120)
        rss, peak = _rss_mb(server.pid)
        report = json.loads(results.read_text())
        payment_ids = json.loads((work / "payments.json").read_text())

    latencies, firsts, missing, events = _latencies(
        ctx.database.conninfo(_database_name(ctx)), payment_ids, report["received"], CLIENTS
    )
    if not latencies:
        raise BenchmarkSkipped("no event reached the sockets")
    deliveries = events * CLIENTS - missing
    window.units = deliveries
    window.save()
    return {
        "ws_fanout_clients": report["open"],
        "ws_fanout_events": events,
        "ws_fanout_missing": missing,
        "ws_fanout_p50_ms": round(statistics.median(latencies), 1),
        "ws_fanout_p95_ms": round(_percentile(latencies, 0.95), 1),
        "ws_fanout_max_ms": round(max(latencies), 1),
        # Event created -> the FIRST socket: the pipeline alone (relay, broker, subscriber, Redis).
        "ws_first_p50_ms": round(statistics.median(firsts), 1),
        "ws_first_p95_ms": round(_percentile(firsts, 0.95), 1),
        "ws_server_rss_mb": round(rss, 1),
        "ws_server_rss_peak_mb": round(peak, 1),
        "ws_loadgen_cpu_share": round(report["cpu_share"], 3),
        # CPU the server spent per socket delivery (robust to a busy machine, unlike latency).
        "ws_server_cpu_us_per_delivery": round(server_cpu * 1e6 / max(deliveries, 1), 1),
    }


def run() -> dict[str, float]:
    return websockets_fanout(BenchContext.from_env())


# --- The load generator (its own process) ---


async def _listen(url: str, clients: int, out: Path) -> None:
    """Hold `clients` sockets; record per event id how many received it and when the last did.
    Frames are not decoded: the event id is read off the front of the frame (the server writes
    `{"type":"event","event":{"id":"evt_…"`)."""
    from websockets.asyncio.client import connect

    received: dict[str, list[float]] = {}
    marker = '"event":{"id":"'
    sockets = []
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def open_one():
        async with gate:
            return await connect(url, max_queue=None, ping_interval=None, open_timeout=60)

    async def read(ws) -> None:
        with contextlib.suppress(Exception):
            async for frame in ws:
                at = time.time()
                start = frame.find(marker)
                if start < 0:
                    continue
                event_id = frame[start + len(marker) : frame.index('"', start + len(marker))]
                entry = received.get(event_id)
                if entry is None:
                    received[event_id] = [1, at, at]
                else:
                    entry[0] += 1
                    entry[1] = at

    sockets = await asyncio.wait_for(
        asyncio.gather(*(open_one() for _ in range(clients))), timeout=CONNECT_TIMEOUT_SECONDS
    )
    readers = [asyncio.create_task(read(ws)) for ws in sockets]
    wall, cpu = time.monotonic(), time.process_time()
    print(f"ready {len(sockets)}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    still_open = sum(1 for ws in sockets if ws.close_code is None)
    nproc = len(os.sched_getaffinity(0))
    out.write_text(
        json.dumps({"received": received, "open": still_open, "cpu_share": cpu / (wall * nproc)})
    )
    for task in readers:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


def _pay(key: str, count: int, rate: float, out: Path) -> None:
    """`count` payments through the REST API (DRF's test client), paced to `rate` per second."""
    import django

    django.setup()
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    ids = []
    started = time.monotonic()
    for n in range(count):
        delay = started + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        method = api.post(
            "/api/v1/payment_methods",
            {"type": "card", "card": {"token": "tok_visa"}},
            format="json",
        )
        payment = api.post(
            "/api/v1/payments",
            {
                "amount": 1_000 + n,
                "currency": "usd",
                "payment_method": method.json()["id"],
                "confirm": True,
            },
            format="json",
        )
        if payment.status_code != 201:
            raise SystemExit(f"payment failed: {payment.status_code} {payment.content[:200]!r}")
        ids.append(payment.json()["id"])
    out.write_text(json.dumps(ids))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.bench.websockets")
    sub = parser.add_subparsers(dest="command")
    listen = sub.add_parser("listen", help="internal: the load generator")
    listen.add_argument("url")
    listen.add_argument("clients", type=int)
    listen.add_argument("out", type=Path)
    pay = sub.add_parser("pay", help="internal: the payment creator")
    pay.add_argument("key")
    pay.add_argument("count", type=int)
    pay.add_argument("rate", type=float)
    pay.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "listen":
        asyncio.run(_listen(args.url, args.clients, args.out))
        return 0
    if args.command == "pay":
        _pay(args.key, args.count, args.rate, args.out)
        return 0
    print(json.dumps(run(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
