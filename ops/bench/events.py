"""Event pipeline: outbox -> relay -> RabbitMQ -> analytics consumer, measured in the database.

On a scratch database (`<name>_bench_events`, migrated on every run) and a scratch broker
namespace (`bench.<token>.`), with `manage.py events_relay` and `manage.py events_consume
--domain analytics` running as real processes. The consumer effect of an event is the analytics
subscriber's ProcessedEvent row (`processed_at` = clock_timestamp() in the transaction that also
upserts the counters); every figure is computed from database timestamps.

- `events_throughput_eps`: N = 20,000 `customer.created` events emitted through `emit()` at full
  speed by one process (100 per transaction) while the relay and consumer run:
  N / (last effect - first event created). Bounded by the emitter when it is slower than the
  pipeline: `events_emit_eps` is the emitter's own rate.
- `events_throughput_batched_eps`: the same with `emit_many()` (one INSERT per 100 events, as
  batch operations emit), whose emitter is about twice as fast.
- `events_drain_eps`: the pipeline's capacity: N events already committed are drained by a relay
  started afterwards: N / (last effect - first publish).
- `events_latency_p50_ms`, `events_latency_p95_ms`: 5,000 events at ~500/s, one per
  transaction; latency = effect - event created.

`python -m ops.bench events` runs it with the others; `python -m ops.bench.events` alone.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack

import psycopg
from psycopg import sql

from .context import REPO_ROOT, BenchContext
from .profile import profiling
from .registry import BenchmarkSkipped, Figures, benchmark

EVENTS = 20_000
BATCH = 100
LATENCY_EVENTS = 5_000
LATENCY_RATE = 500
CONSUMERS = int(os.environ.get("BENCH_EVENTS_CONSUMERS", "1"))
PROCESS_START_SECONDS = 3.0
DRAIN_TIMEOUT_SECONDS = 300
SUBSCRIBER = "analytics.live_counters"
PYTHON = sys.executable


def _database_name(ctx: BenchContext) -> str:
    return f"{ctx.database.name}_bench_events"


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


class _Process:
    """A manage.py process of the pipeline, stopped (TERM, then KILL) on exit."""

    def __init__(self, stack: ExitStack, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [PYTHON, "manage.py", *args], cwd=REPO_ROOT, env=env, start_new_session=True
        )
        stack.callback(self.stop)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _emit(
    env: dict[str, str], *, count: int, batch: int, rate: float, tag: str, many: bool = False
) -> float:
    """Run the emitter process; return its wall time in seconds."""
    started = time.monotonic()
    args = ["emit", str(count), str(batch), str(rate), tag, *(["--many"] if many else [])]
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "-m", "ops.bench.events", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=DRAIN_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise BenchmarkSkipped(f"emitter failed: {result.stderr.strip()[-300:]}")
    return time.monotonic() - started


def _merchant_create(conn: psycopg.Connection, tag: str) -> str:
    merchant_id = f"mer_BENCH{uuid.uuid4().hex[:21].upper()}"
    conn.execute(
        "INSERT INTO accounts_merchant (id, name, email, created) VALUES (%s, %s, '', now())",
        (merchant_id, tag),
    )
    return merchant_id


_PHASE = (
    "FROM events_event e JOIN events_processedevent p "
    "ON p.event_id = e.id AND p.subscriber = %s WHERE e.merchant_id = %s"
)


def _wait_processed(conn: psycopg.Connection, merchant: str, count: int) -> None:
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
    done = 0
    while time.monotonic() < deadline:
        (done,) = conn.execute(f"SELECT count(*) {_PHASE}", (SUBSCRIBER, merchant)).fetchone()
        if done >= count:
            return
        time.sleep(0.2)
    raise BenchmarkSkipped(f"only {done} of {count} events consumed in {DRAIN_TIMEOUT_SECONDS} s")


def _rate(conn: psycopg.Connection, merchant: str, start_column: str) -> float:
    count, seconds = conn.execute(
        f"SELECT count(*), EXTRACT(EPOCH FROM max(p.processed_at) - min(e.{start_column})) "  # noqa: S608
        f"{_PHASE}",
        (SUBSCRIBER, merchant),
    ).fetchone()
    return count / float(seconds)


def _latencies(conn: psycopg.Connection, merchant: str) -> tuple[float, float]:
    p50, p95 = conn.execute(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), "  # noqa: S608
        "percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FROM ("
        f"SELECT EXTRACT(EPOCH FROM p.processed_at - e.created) * 1000 AS ms {_PHASE}) AS t",
        (SUBSCRIBER, merchant),
    ).fetchone()
    return float(p50), float(p95)


@benchmark("events")
def events_pipeline(ctx: BenchContext) -> Figures:
    prefix = f"bench.{uuid.uuid4().hex[:8]}."
    env = _env(ctx, prefix)
    _recreate_database(ctx)
    _manage(env, "migrate", "--noinput", "-v0")
    conninfo = ctx.database.conninfo(_database_name(ctx))
    with ExitStack() as stack, psycopg.connect(conninfo, autocommit=True) as conn:
        stack.callback(_manage, env, "events_topology", "--delete")
        _manage(env, "events_topology")
        for _ in range(CONSUMERS):
            _Process(stack, env, "events_consume", "--domain", "analytics", "--prefetch", "100")

        # Drain: a backlog committed while no relay runs, then one relay.
        drain = _merchant_create(conn, "bench-drain")
        _emit(env, count=EVENTS, batch=BATCH, rate=0, tag="bench-drain")
        relay = _Process(stack, env, "events_relay")
        _wait_processed(conn, drain, EVENTS)
        drain_eps = _rate(conn, drain, "published_at")

        # Throughput: emitting at full speed while the relay and consumer run.
        throughput = _merchant_create(conn, "bench-throughput")
        time.sleep(PROCESS_START_SECONDS)
        with profiling("events_throughput", _database_name(ctx)) as window:
            emit_seconds = _emit(env, count=EVENTS, batch=BATCH, rate=0, tag="bench-throughput")
            _wait_processed(conn, throughput, EVENTS)
            window.units = EVENTS
        throughput_eps = _rate(conn, throughput, "created")

        batched = _merchant_create(conn, "bench-batched")
        _emit(env, count=EVENTS, batch=BATCH, rate=0, tag="bench-batched", many=True)
        _wait_processed(conn, batched, EVENTS)
        batched_eps = _rate(conn, batched, "created")

        # Latency at a moderate rate, one event per transaction.
        latency = _merchant_create(conn, "bench-latency")
        _emit(env, count=LATENCY_EVENTS, batch=1, rate=LATENCY_RATE, tag="bench-latency")
        _wait_processed(conn, latency, LATENCY_EVENTS)
        p50, p95 = _latencies(conn, latency)
        relay.stop()
    return {
        "events_throughput_eps": round(throughput_eps, 1),
        "events_emit_eps": round(EVENTS / emit_seconds, 1),
        "events_throughput_batched_eps": round(batched_eps, 1),
        "events_drain_eps": round(drain_eps, 1),
        "events_latency_p50_ms": round(p50, 2),
        "events_latency_p95_ms": round(p95, 2),
    }


def run() -> dict[str, float]:
    return events_pipeline(BenchContext.from_env())


def emit_events(*, count: int, batch: int, rate: float, tag: str, many: bool) -> None:
    """The emitter process: `count` customer.created events through emit() (or emit_many()),
    `batch` per transaction, paced to `rate` events/s (0 = full speed), for the merchant `tag`."""
    import django

    django.setup()
    from django.db import transaction

    from mcp_payments.accounts.models import Merchant
    from mcp_payments.events.services import emit, emit_many
    from payments.models import Customer

    customer = Customer.objects.create(merchant=Merchant.objects.get(name=tag), name=tag)
    started = time.monotonic()
    for done in range(0, count, batch):
        if rate:
            delay = started + done / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        size = min(batch, count - done)
        with transaction.atomic():
            if many:
                emit_many([("customer.created", customer)] * size)
            else:
                for _ in range(size):
                    emit("customer.created", customer)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.bench.events")
    sub = parser.add_subparsers(dest="command")
    emitter = sub.add_parser("emit", help="internal: the emitter process")
    emitter.add_argument("count", type=int)
    emitter.add_argument("batch", type=int)
    emitter.add_argument("rate", type=float)
    emitter.add_argument("tag")
    emitter.add_argument("--many", action="store_true", help="emit_many() per transaction")
    args = parser.parse_args(argv)
    if args.command == "emit":
        emit_events(
            count=args.count, batch=args.batch, rate=args.rate, tag=args.tag, many=args.many
        )
        return 0
    print(json.dumps(run(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
