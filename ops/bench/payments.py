"""Payments over HTTP (issue 4): POST /payments with confirm=true and tok_visa, a fresh
Idempotency-Key per request, 16 clients, sandbox latency 0 — against gunicorn on a scratch
database. Figures: payment_confirm_rps, _p50_ms, _p95_ms, _p99_ms."""

from __future__ import annotations

from .context import BenchContext
from .http import gunicorn, manage, recreate_database, seed, server_env, wrk
from .profile import profiling
from .registry import Figures, benchmark


@benchmark("payments")
def run(ctx: BenchContext) -> Figures:
    database = f"{ctx.database.name}_bench_payments"
    recreate_database(ctx, database)
    env = {**server_env(ctx, database), "SANDBOX_LATENCY_MS": "0"}
    manage(env, "migrate", "--noinput")
    seeded = seed(env, "payments")
    load_env = {"BENCH_KEY": seeded["api_key"], "BENCH_PAYMENT_METHOD": seeded["payment_method"]}
    with gunicorn(env) as url:
        wrk(url, "payment.lua", load_env, duration=5)  # warm-up
        with profiling("payment_confirm", database) as window:
            result = wrk(url, "payment.lua", load_env)
            window.units = result.requests
    return {
        "payment_confirm_rps": round(result.rps, 1),
        "payment_confirm_p50_ms": round(result.p50_ms, 2),
        "payment_confirm_p95_ms": round(result.p95_ms, 2),
        "payment_confirm_p99_ms": round(result.p99_ms, 2),
        "payment_confirm_non_2xx": result.non_2xx + result.errors,
        "payment_loadgen_cpu_share": round(result.cpu_share, 3),
    }
