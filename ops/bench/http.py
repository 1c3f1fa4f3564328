"""Shared harness for HTTP benchmarks: a scratch database migrated and seeded from a known data
set, the production-style server (gunicorn sync workers, no DEBUG, persistent connections), and
wrk with Lua scripts as the light load generator (its CPU share is measured)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from .context import REPO_ROOT, BenchContext
from .registry import BenchmarkSkipped

PYTHON = sys.executable
LUA_DIR = Path(__file__).resolve().parent / "lua"
CLIENTS = 16
DURATION_SECONDS = 20
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "4"))


def database_url(ctx: BenchContext, name: str) -> str:
    db = ctx.database
    auth = db.user + (f":{db.password}" if db.password else "")
    return f"postgres://{auth}@{db.host}:{db.port}/{name}"


def server_env(ctx: BenchContext, database: str) -> dict[str, str]:
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="mcp_payments.settings.production",
        SECRET_KEY="bench-" + "k" * 60,
        DATABASE_URL=database_url(ctx, database),
        DB_CONN_MAX_AGE="600",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Requests are measured, not logged: the JSON access line is the app's, not the load's.
        LOG_LEVEL="WARNING",
        ACCESS_LOG_LEVEL="WARNING",
        API_RATE_LIMIT_PER_MINUTE="100000000",
        # Production settings refuse a local or missing SMTP host; benchmarks send no mail.
        EMAIL_HOST="smtp.invalid",
        PYTHONPATH=str(REPO_ROOT),
    )


def recreate_database(ctx: BenchContext, name: str) -> None:
    with psycopg.connect(ctx.database.conninfo("postgres"), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env: dict[str, str], *args: str, timeout: int = 900) -> str:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise BenchmarkSkipped(f"manage.py {args[0]} failed: {result.stderr.strip()[-500:]}")
    return result.stdout


def run_json(env: dict[str, str], module: str, *args: str, timeout: int = 900) -> dict:
    """Run `python -m module args` in `env`; the JSON object its last output line holds."""
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "-m", module, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise BenchmarkSkipped(f"{module} failed: {result.stderr.strip()[-800:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def seed(env: dict[str, str], *args: str) -> dict:
    """A known data set (ops/bench/seed.py) written into the scratch database."""
    return run_json(env, "ops.bench.seed", *args)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until the server answers HTTP (any status) on /health/live: a listening socket alone is
    not enough, as requests queue in the backlog while the workers are still loading the app."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkSkipped(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # an answer, whatever its status
        except OSError:
            time.sleep(0.2)
    raise BenchmarkSkipped("the server did not start answering")


@contextmanager
def gunicorn(env: dict[str, str]):
    """The REST API as deployed: gunicorn sync workers; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            PYTHON,
            "-m",
            "gunicorn",
            "-c",
            "ops/gunicorn.conf.py",
            "mcp_payments.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--max-requests",
            "0",
            "--log-level",
            "warning",
        ],
        cwd=REPO_ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_ready(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass(frozen=True)
class WrkResult:
    requests: int
    errors: int
    non_2xx: int
    duration_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_share: float

    @property
    def rps(self) -> float:
        return (self.requests - self.non_2xx - self.errors) / self.duration_s


def wrk(
    url: str,
    script: str,
    env: dict[str, str],
    *,
    clients: int = CLIENTS,
    duration: int = DURATION_SECONDS,
    threads: int = 2,
) -> WrkResult:
    """Run wrk with a Lua script from ops/bench/lua; its `done()` prints one JSON line."""
    binary = shutil.which("wrk")
    if binary is None:
        raise BenchmarkSkipped("wrk is not installed (apt-get install wrk)")
    started = time.monotonic()
    usage_before = os.times()
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            binary,
            "-t",
            str(threads),
            "-c",
            str(clients),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA_DIR / script),
            url,
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=duration + 120,
        check=False,
    )
    elapsed = time.monotonic() - started
    usage_after = os.times()
    cpu = (usage_after.children_user - usage_before.children_user) + (
        usage_after.children_system - usage_before.children_system
    )
    line = next((row for row in result.stdout.splitlines() if row.startswith('{"bench"')), None)
    if result.returncode != 0 or line is None:
        raise BenchmarkSkipped(f"wrk failed: {result.stderr.strip()[-300:]} {result.stdout[-300:]}")
    data = json.loads(line)["bench"]
    return WrkResult(
        requests=data["requests"],
        errors=data["errors"],
        non_2xx=data["non_2xx"],
        duration_s=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        cpu_share=cpu / (elapsed * (os.cpu_count() or 1)),
    )
