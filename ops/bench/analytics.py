"""Analytics (issue 16): GET /analytics/summary (last 90 days) and GET /analytics/timeseries
(interval=day, 90 days) over ANALYTICS_BENCH_PAYMENTS (default 1,000,000) payments of one
merchant seeded with set-based SQL and folded into the rollups by `rollups_rebuild`, against
gunicorn on a scratch database; and the rollup subscriber's ingest rate. Figures:
analytics_summary_p95_ms, analytics_timeseries_p95_ms (sequential requests after a warm-up,
the three URLs in turn), analytics_ingest_eps; and, measured the same way on the same server,
analytics_floor_p95_ms: `GET /customers?limit=1`, what any authenticated API request costs here
(the floor the analytics figures sit on)."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from datetime import UTC, datetime, timedelta

from .context import BenchContext
from .http import PYTHON, REPO_ROOT, gunicorn, manage, recreate_database, server_env
from .registry import BenchmarkSkipped, Figures, benchmark

REQUESTS = 100


def _helper(env: dict[str, str], *args: str) -> dict:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "-m", "ops.bench.analytics_seed", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if result.returncode != 0:
        raise BenchmarkSkipped(f"analytics seed failed: {result.stderr.strip()[-800:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _p95s(urls: list[str], key: str) -> list[float]:
    """p95 (ms) of each URL over REQUESTS sequential requests after 10 warm-up rounds, the URLs
    taken in turn so each figure sees the same moments of a noisy machine (measured one after
    the other, the first one also paid for the freshly started workers and autovacuum)."""
    requests = [
        urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})  # noqa: S310
        for url in urls
    ]
    timings: list[list[float]] = [[] for _ in urls]
    for index in range(REQUESTS + 10):
        for request, spent in zip(requests, timings, strict=True):
            began = time.perf_counter()
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                response.read()
                if response.status != 200:
                    raise BenchmarkSkipped(f"{request.full_url} answered {response.status}")
            if index >= 10:  # warm-up
                spent.append((time.perf_counter() - began) * 1000)
    return [round(sorted(spent)[int(len(spent) * 0.95) - 1], 2) for spent in timings]


@benchmark("analytics")
def run(ctx: BenchContext) -> Figures:
    payments = int(os.environ.get("ANALYTICS_BENCH_PAYMENTS", "1000000"))
    database = f"{ctx.database.name}_bench_analytics"
    recreate_database(ctx, database)
    # Production settings refuse a local SMTP host; the benchmark sends no mail.
    env = server_env(ctx, database)
    manage(env, "migrate", "--noinput")
    seeded = _helper(env, "seed", "--payments", str(payments), "--days", "90")
    ingest = _helper(env, "ingest", "--events", os.environ.get("ANALYTICS_BENCH_EVENTS", "20000"))
    today = datetime.now(UTC).date()
    window = f"from={(today - timedelta(days=89)).isoformat()}&to={(today + timedelta(days=1))}"
    with gunicorn(env) as url:
        summary, series, floor = _p95s(
            [
                f"{url}/api/v1/analytics/summary?{window}",
                f"{url}/api/v1/analytics/timeseries?metric=gross_volume&interval=day&{window}",
                f"{url}/api/v1/customers?limit=1",
            ],
            seeded["api_key"],
        )
    return {
        "analytics_payments": payments,
        "analytics_seed_seconds": seeded["seed_seconds"],
        "analytics_rebuild_seconds": seeded["rebuild_seconds"],
        "analytics_summary_p95_ms": summary,
        "analytics_timeseries_p95_ms": series,
        "analytics_floor_p95_ms": floor,
        "analytics_ingest_eps": ingest["eps"],
    }
