"""Webhook deliveries: one Celery worker process posting signed events to a local receiver.

On a scratch database (`<name>_bench_webhooks`, migrated on every run), a scratch broker
namespace (`bench.<token>.`: the events queues and the Celery queue `bench.<token>.notifications`)
and a local receiver answering 200 (an asyncio HTTP/1.1 server in its own process, keep-alive).
One merchant, one endpoint subscribed to every event. Figures come from the database: an
attempt's completion is `attempted_at + latency_ms`.

- `webhook_delivery_rps`: N = 5,000 deliveries are queued (created through the subscriber's
  service and their jobs published) while no worker runs; then ONE worker, as deployed
  (ops/kubernetes `mcp-payments-worker-webhooks`, ops/docker/compose.yaml `worker-webhooks`:
  `celery worker -Q webhooks --concurrency 8`, the prefork pool, Celery's default prefetch
  multiplier 4), drains them: N / (last completion - first attempt). Signing, the SSRF check,
  the POST and the recorded attempt are all included. `BENCH_WEBHOOKS_POOL=solo
  BENCH_WEBHOOKS_CONCURRENCY=1` measures one process alone.
- `webhook_delivery_per_cpu_second`: the same deliveries per CPU second of that worker (its
  processes' user + system time while draining): its capacity per core, whatever else the
  machine runs meanwhile.
- `webhook_latency_p50_ms`, `webhook_latency_p95_ms`: 1,500 `customer.created` events emitted at
  ~50/s, one per transaction, through the whole pipeline (relay, notifications consumer, the
  worker): completion - event created.

`python -m ops.bench webhooks` runs it; `python -m ops.bench.webhooks` alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack

import psycopg
from psycopg import sql

from .context import REPO_ROOT, BenchContext
from .profile import profiling, tree_cpu_seconds
from .registry import BenchmarkSkipped, Figures, benchmark

BACKLOG = 5_000
LATENCY_EVENTS = 1_500
LATENCY_RATE = 50
# The deployed worker (see the docstring). A solo process spends most of its time waiting on
# PostgreSQL, the broker and the receiver, one delivery at a time: 166/s here against 779/s for
# the deployed pool in the same session. Celery 5.5's threads pool measured ~25 deliveries/s: its
# tasks complete in bursts every ~10 s (the main loop acknowledges and fetches only on its
# timers), so it is not used.
POOL = os.environ.get("BENCH_WEBHOOKS_POOL", "prefork")
CONCURRENCY = int(os.environ.get("BENCH_WEBHOOKS_CONCURRENCY", "8"))
PREFETCH = int(os.environ.get("BENCH_WEBHOOKS_PREFETCH", "4"))
DRAIN_TIMEOUT_SECONDS = 300
PROCESS_START_SECONDS = 60
PYTHON = sys.executable
CELERY = os.path.join(os.path.dirname(sys.executable), "celery")
TAG = "bench-webhooks"


def _database_name(ctx: BenchContext) -> str:
    return f"{ctx.database.name}_bench_webhooks"


def _env(ctx: BenchContext, prefix: str) -> dict[str, str]:
    db = ctx.database
    auth = db.user + (f":{db.password}" if db.password else "")
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="mcp_payments.settings.base",
        DATABASE_URL=f"postgres://{auth}@{db.host}:{db.port}/{_database_name(ctx)}",
        EVENTS_QUEUE_PREFIX=prefix,
        EVENTS_EXCHANGE=f"{prefix}mcp_payments.events",
        EVENTS_DEAD_LETTER_EXCHANGE=f"{prefix}mcp_payments.dlx",
        NOTIFICATIONS_QUEUE=f"{prefix}notifications",
        WEBHOOKS_QUEUE=f"{prefix}webhooks",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO_ROOT),
    )


def _run(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        tail = " | ".join((result.stderr or result.stdout).strip().splitlines()[-3:])
        raise BenchmarkSkipped(f"{' '.join(args[:3])} failed: {tail}")
    return result.stdout


def _recreate_database(ctx: BenchContext) -> None:
    name = sql.Identifier(_database_name(ctx))
    try:
        with psycopg.connect(ctx.database.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    except psycopg.Error as exc:
        raise BenchmarkSkipped(f"cannot create database {_database_name(ctx)}: {exc}") from exc


class _Process:
    """A process of the pipeline (own process group), stopped (TERM, then KILL) on exit."""

    def __init__(self, stack: ExitStack, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            list(args), cwd=REPO_ROOT, env=env, start_new_session=True
        )
        stack.callback(self.stop)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int) -> None:
    deadline = time.monotonic() + PROCESS_START_SECONDS
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise BenchmarkSkipped("the receiver did not start")


_DONE = """
SELECT count(*) FROM notifications_webhookdelivery
WHERE merchant_id = %s AND status = 'succeeded'
"""


def _wait_delivered(conn: psycopg.Connection, merchant: str, count: int) -> None:
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
    done = 0
    while time.monotonic() < deadline:
        (done,) = conn.execute(_DONE, (merchant,)).fetchone()
        if done >= count:
            return
        time.sleep(0.2)
    raise BenchmarkSkipped(f"only {done} of {count} deliveries in {DRAIN_TIMEOUT_SECONDS} s")


def _merchant(conn: psycopg.Connection) -> str:
    (merchant,) = conn.execute(
        "SELECT id FROM accounts_merchant WHERE name = %s", (TAG,)
    ).fetchone()
    return merchant


def _throughput(conn: psycopg.Connection, merchant: str) -> float:
    count, seconds = conn.execute(
        "SELECT count(*), EXTRACT(EPOCH FROM max(a.attempted_at + a.latency_ms * interval '1 ms')"
        " - min(a.attempted_at)) FROM notifications_webhookattempt a"
        " JOIN notifications_webhookdelivery d ON d.id = a.delivery_id WHERE d.merchant_id = %s",
        (merchant,),
    ).fetchone()
    return count / float(seconds)


def _latencies(conn: psycopg.Connection, merchant: str, since: str) -> tuple[float, float]:
    p50, p95 = conn.execute(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms),"
        " percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FROM ("
        " SELECT EXTRACT(EPOCH FROM a.attempted_at + a.latency_ms * interval '1 ms' - e.created)"
        " * 1000 AS ms FROM notifications_webhookattempt a"
        " JOIN notifications_webhookdelivery d ON d.id = a.delivery_id"
        " JOIN events_event e ON e.id = d.event_id"
        " WHERE d.merchant_id = %s AND e.type = 'customer.created' AND e.id > %s) AS t",
        (merchant, since),
    ).fetchone()
    return float(p50), float(p95)


def _when_delivering(conn: psycopg.Connection, merchant: str, pid: int) -> tuple[float, int]:
    """Once the worker has started delivering: its CPU time and the deliveries done so far."""
    deadline = time.monotonic() + PROCESS_START_SECONDS
    while time.monotonic() < deadline:
        (done,) = conn.execute(_DONE, (merchant,)).fetchone()
        if done:
            return tree_cpu_seconds(pid), done
        time.sleep(0.02)
    raise BenchmarkSkipped("the worker delivered nothing")


def _delete_celery_queue(env: dict[str, str]) -> None:
    from kombu import Connection

    broker = env.get("CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
    with Connection(broker, connect_timeout=5) as connection:
        connection.default_channel.queue_delete(env["WEBHOOKS_QUEUE"])


@benchmark("webhooks")
def webhooks(ctx: BenchContext) -> Figures:
    prefix = f"bench.{uuid.uuid4().hex[:8]}."
    env = _env(ctx, prefix)
    _recreate_database(ctx)
    _run(env, "manage.py", "migrate", "--noinput", "-v0")
    port = _free_port()
    conninfo = ctx.database.conninfo(_database_name(ctx))
    with ExitStack() as stack, psycopg.connect(conninfo, autocommit=True) as conn:
        stack.callback(_run, env, "manage.py", "events_topology", "--delete")
        stack.callback(_delete_celery_queue, env)
        _run(env, "manage.py", "events_topology")
        _Process(stack, env, PYTHON, "-m", "ops.bench.webhooks", "receive", str(port))
        _wait_port(port)
        _run(env, "-m", "ops.bench.webhooks", "setup", f"http://127.0.0.1:{port}/hooks")
        merchant = _merchant(conn)

        # Throughput: a backlog of queued deliveries drained by one worker (as deployed).
        _run(env, "-m", "ops.bench.webhooks", "backlog", str(BACKLOG))
        worker_args = [CELERY, "-A", "mcp_payments", "worker", "-P", POOL, "-c", str(CONCURRENCY)]
        worker_args += ["-Q", env["WEBHOOKS_QUEUE"], "-n", f"bench-webhooks-{prefix[6:-1]}@%h"]
        worker_args += ["--prefetch-multiplier", str(PREFETCH), "--without-gossip"]
        worker_args += ["--without-mingle", "--without-heartbeat", "-l", "warning"]
        worker = _Process(stack, env, *worker_args)
        started_cpu, started_done = _when_delivering(conn, merchant, worker.process.pid)
        with profiling("webhook_delivery", _database_name(ctx)) as window:
            _wait_delivered(conn, merchant, BACKLOG)
            window.units = BACKLOG - started_done
        cpu_per_delivery = (tree_cpu_seconds(worker.process.pid) - started_cpu) / (
            BACKLOG - started_done
        )
        rps = _throughput(conn, merchant)

        # Latency: events through the whole pipeline at a moderate rate.
        (since,) = conn.execute("SELECT coalesce(max(id), '') FROM events_event").fetchone()
        _Process(stack, env, PYTHON, "manage.py", "events_relay")
        _Process(stack, env, PYTHON, "manage.py", "events_consume", "--domain", "notifications")
        time.sleep(3)
        _run(
            env,
            "-m",
            "ops.bench.events",
            "emit",
            str(LATENCY_EVENTS),
            "1",
            str(LATENCY_RATE),
            TAG,
        )
        _wait_delivered(conn, merchant, BACKLOG + LATENCY_EVENTS)
        p50, p95 = _latencies(conn, merchant, since)
    return {
        "webhook_delivery_rps": round(rps, 1),
        "webhook_delivery_per_cpu_second": round(1 / cpu_per_delivery, 1),
        "webhook_latency_p50_ms": round(p50, 2),
        "webhook_latency_p95_ms": round(p95, 2),
    }


# --- Subprocess commands -------------------------------------------------------------------------

_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


async def _serve(port: int) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                writer.write(_RESPONSE)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def setup(url: str) -> None:
    """The merchant and its endpoint (subscribed to every event)."""
    import django

    django.setup()
    from mcp_payments.accounts.context import AuthContext
    from mcp_payments.accounts.models import Merchant
    from notifications.services.endpoints import webhook_endpoint_create

    merchant = Merchant.objects.create(name=TAG)
    context = AuthContext(merchant=merchant, scopes=frozenset({"webhooks:write"}))
    webhook_endpoint_create(context=context, url=url, enabled_events=["*"])


def backlog(count: int) -> None:
    """`count` deliveries created through the subscriber's service (events of ~1 KB), their
    jobs published at each commit (500 per transaction)."""
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from mcp_payments.accounts.models import Merchant
    from mcp_payments.api.ids import new_id
    from notifications.services.deliveries import deliveries_create_for_events

    merchant = Merchant.objects.get(name=TAG)
    for start in range(0, count, 500):
        events = [
            {
                "id": new_id("evt"),
                "object": "event",
                "type": "payment.succeeded",
                "created": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                "merchant": merchant.id,
                "data": {"object": {"id": new_id("pay"), "object": "payment", "pad": "x" * 900}},
                "request_id": "",
                "sequence": start + n,
            }
            for n in range(min(500, count - start))
        ]
        with transaction.atomic():
            deliveries_create_for_events(events=events)


def run() -> dict[str, float]:
    return webhooks(BenchContext.from_env())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.bench.webhooks")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("receive", help="internal: the receiver").add_argument("port", type=int)
    sub.add_parser("setup", help="internal: merchant and endpoint").add_argument("url")
    sub.add_parser("backlog", help="internal: queued deliveries").add_argument("count", type=int)
    args = parser.parse_args(argv)
    if args.command == "receive":
        asyncio.run(_serve(args.port))
    elif args.command == "setup":
        setup(args.url)
    elif args.command == "backlog":
        backlog(args.count)
    else:
        print(json.dumps(run(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
