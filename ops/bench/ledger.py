"""Ledger over HTTP (issue 3): single transfers, transfers touching the hot platform fee
account, and batches of 1000 — against gunicorn on a scratch database with 10,000 funded
wallets. Figures: transfer_single_*, transfer_hot_*, transfer_batch_tps, loadgen_cpu_share, and
api_key_auth_ms (ops/bench/auth_probe.py, in-process on the same database)."""

from __future__ import annotations

from .context import REPO_ROOT, BenchContext
from .http import gunicorn, manage, recreate_database, run_json, seed, server_env, wrk
from .profile import profiling
from .registry import Figures, benchmark

WALLETS = 10_000


@benchmark("ledger")
def run(ctx: BenchContext) -> Figures:
    database = f"{ctx.database.name}_bench_ledger"
    recreate_database(ctx, database)
    env = server_env(ctx, database)
    manage(env, "migrate", "--noinput")
    seeded = seed(
        env,
        "ledger",
        "--wallets",
        str(WALLETS),
        "--out",
        str(REPO_ROOT / "var" / "bench" / "wallets.txt"),
    )
    auth = run_json(env, "ops.bench.auth_probe", seeded["api_key"], timeout=300)
    load_env = {"BENCH_KEY": seeded["api_key"], "BENCH_WALLETS": seeded["wallets_file"]}
    with gunicorn(env) as url:
        wrk(url, "transfer.lua", {**load_env, "BENCH_FEE": "0"}, duration=5)  # warm-up
        with profiling("transfer_single", database) as window:
            single = wrk(url, "transfer.lua", {**load_env, "BENCH_FEE": "0"})
            window.units = single.requests
        hot = wrk(url, "transfer.lua", {**load_env, "BENCH_FEE": "1"})
        with profiling("transfer_batch", database) as window:
            batch = wrk(url, "batch.lua", load_env, clients=2, threads=2)
            window.units = batch.requests * 1000
    return {
        "transfer_single_rps": round(single.rps, 1),
        "transfer_single_p50_ms": round(single.p50_ms, 2),
        "transfer_single_p95_ms": round(single.p95_ms, 2),
        "transfer_single_p99_ms": round(single.p99_ms, 2),
        "transfer_single_non_2xx": single.non_2xx + single.errors,
        "transfer_hot_rps": round(hot.rps, 1),
        "transfer_hot_p95_ms": round(hot.p95_ms, 2),
        "transfer_hot_non_2xx": hot.non_2xx + hot.errors,
        "transfer_batch_tps": round(batch.rps * 1000, 1),
        "transfer_batch_p95_ms": round(batch.p95_ms, 2),
        "loadgen_cpu_share": round(max(single.cpu_share, hot.cpu_share), 3),
        "api_key_auth_ms": auth["api_key_auth_ms"],
    }
