"""Baseline: PostgreSQL's own pgbench TPC-B-like run against the same server (BENCH.md).

pgbench -i -s 10  (on a separate database, re-initialized every run)
pgbench -c 16 -j 2 -T 20 -b tpcb-like -M simple
"""

from __future__ import annotations

import re
import subprocess

import psycopg
from psycopg import sql

from .context import BenchContext, find_postgres_tool
from .registry import BenchmarkSkipped, Figures, benchmark


def _database(ctx: BenchContext) -> str:
    """pgbench's scratch database, named after DATABASE_URL's (like the other benchmarks'), so
    two checkouts benchmarking on one server do not re-initialize each other's tables."""
    return f"{ctx.database.name}_bench_pgbench"


SCALE = 10
CLIENTS = 16
THREADS = 2
SECONDS = 20

_TPS = re.compile(r"^tps = ([0-9]+(?:\.[0-9]+)?) \((without|excluding) initial connection")


def _ensure_database(ctx: BenchContext) -> str:
    database = _database(ctx)
    try:
        with psycopg.connect(ctx.database.conninfo("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    except psycopg.Error as exc:
        raise BenchmarkSkipped(f"cannot create database {database}: {exc}") from exc
    return database


def _run(args: list[str], ctx: BenchContext, timeout: int) -> str:
    try:
        result = subprocess.run(  # noqa: S603 - arguments built here, no shell
            args,
            env=ctx.database.libpq_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchmarkSkipped(f"{args[1]} timed out after {timeout} s") from exc
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise BenchmarkSkipped(f"pgbench exited with {result.returncode}: {' | '.join(tail)}")
    return result.stdout


def parse_tps(output: str) -> float:
    for line in output.splitlines():
        match = _TPS.match(line.strip())
        if match:
            return float(match.group(1))
    raise BenchmarkSkipped("pgbench printed no 'tps = ... (without initial connection time)' line")


@benchmark("pgbench", baseline=True)
def pgbench_tpcb(ctx: BenchContext) -> Figures:
    pgbench = find_postgres_tool("pgbench")
    if pgbench is None:
        raise BenchmarkSkipped("pgbench not found on PATH or under /usr/lib/postgresql/*/bin")
    database = _ensure_database(ctx)
    _run([pgbench, "-i", "-q", "-s", str(SCALE), database], ctx, timeout=600)
    output = _run(
        [
            pgbench,
            "-c",
            str(CLIENTS),
            "-j",
            str(THREADS),
            "-T",
            str(SECONDS),
            "-b",
            "tpcb-like",
            "-M",
            "simple",
            database,
        ],
        ctx,
        timeout=SECONDS + 120,
    )
    return {"pgbench_tpcb_tps": round(parse_tps(output), 1)}
