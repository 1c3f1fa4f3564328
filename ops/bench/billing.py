"""Billing renewals (issue 15): `billing_renewals_per_s` — due monthly subscriptions with cards
renewed by the renewal job (invoice created, finalized, paid by a sandbox card payment whose
capture posts the ledger entry and marks the invoice paid), two job processes at once as two
Celery workers would run it, on a scratch database. `BENCH_BILLING_SUBSCRIPTIONS` (default
10,000) sets the scale.

    python -m ops.bench.billing seed N      (in the scratch database's environment)
    python -m ops.bench.billing renew       (one job process; prints its own timings)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from .context import REPO_ROOT, BenchContext
from .http import manage, recreate_database, server_env
from .registry import BenchmarkSkipped, Figures, benchmark

PYTHON = sys.executable
WORKERS = 2


def _run(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [PYTHON, "-m", "ops.bench.billing", *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(process: subprocess.Popen, what: str) -> dict:
    out, err = process.communicate(timeout=3600)
    if process.returncode != 0:
        raise BenchmarkSkipped(f"billing {what} failed: {err.strip()[-800:]}")
    return json.loads(out.strip().splitlines()[-1])


@benchmark("billing")
def run(ctx: BenchContext) -> Figures:
    count = int(os.environ.get("BENCH_BILLING_SUBSCRIPTIONS", "10000"))
    database = f"{ctx.database.name}_bench_billing"
    recreate_database(ctx, database)
    env = {
        **server_env(ctx, database),
        "SANDBOX_LATENCY_MS": "0",
        "BILLING_FINALIZE_DELAY_SECONDS": "0",
        "SANDBOX_KEY_PREFIX": f"bench-billing-{time.time_ns()}",
    }
    manage(env, "migrate", "--noinput")
    seeded = _result(_run(env, "seed", str(count)), "seed")
    jobs = [_run(env, "renew") for _ in range(WORKERS)]
    results = [_result(job, "renew") for job in jobs]
    renewed = sum(result["renewed"] for result in results)
    if renewed != seeded["subscriptions"]:
        raise BenchmarkSkipped(f"renewed {renewed} of {seeded['subscriptions']} subscriptions")
    started = min(result["started"] for result in results)
    finished = max(result["finished"] for result in results)
    statements = sum(result["statements"] for result in results)
    return {
        "billing_renewals_per_s": round(renewed / (finished - started), 1),
        "billing_renewals_count": renewed,
        "billing_statements_per_renewal": round(statements / renewed, 1),
    }


def _seed(count: int) -> dict:
    """N customers with a tok_visa card and a monthly 10.00 subscription whose period just
    ended, written in bulk (the renewals are what is measured)."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from mcp_payments.accounts.services import merchant_create
    from payments.billing.models import Price, Product, Subscription, SubscriptionItem
    from payments.billing.periods import add_months
    from payments.models import Customer, PaymentMethod

    merchant = merchant_create(name="Bench billing merchant", scopes="*", key_name="bench").merchant
    now = timezone.now() - timedelta(seconds=1)
    anchor = add_months(now, -1)
    with transaction.atomic():
        product = Product.objects.create(merchant=merchant, name="Bench plan")
        price = Price.objects.create(
            merchant=merchant,
            product=product,
            currency="usd",
            type="recurring",
            unit_amount=1000,
            interval="month",
            interval_count=1,
        )
    for start in range(0, count, 1000):
        size = min(1000, count - start)
        with transaction.atomic():
            customers = Customer.objects.bulk_create(
                [Customer(merchant=merchant, email=f"c{start + i}@bench") for i in range(size)]
            )
            methods = PaymentMethod.objects.bulk_create(
                [
                    PaymentMethod(
                        merchant=merchant,
                        customer=customer,
                        provider_token="tok_visa",  # noqa: S106 - a sandbox test token
                        brand="visa",
                        last4="4242",
                        exp_month=12,
                        exp_year=2034,
                        fingerprint=f"fp{start}",
                    )
                    for customer in customers
                ]
            )
            subscriptions = Subscription.objects.bulk_create(
                [
                    Subscription(
                        merchant=merchant,
                        customer=customer,
                        currency="usd",
                        interval="month",
                        interval_count=1,
                        status="active",
                        default_payment_method=method.id,
                        billing_cycle_anchor=anchor,
                        period_index=0,
                        current_period_start=anchor,
                        current_period_end=now,
                        start_date=anchor,
                    )
                    for customer, method in zip(customers, methods, strict=True)
                ]
            )
            SubscriptionItem.objects.bulk_create(
                [SubscriptionItem(subscription=sub, price=price) for sub in subscriptions]
            )
    return {"subscriptions": count}


def _renew() -> dict:
    """One job process: the renewal job until nothing is due (the other process takes what this
    one has locked: FOR UPDATE SKIP LOCKED). Counts the SQL statements it sends (savepoints
    included; BEGIN/COMMIT are not statements to Django)."""
    from django.db import connection

    from payments.billing.services.lifecycle import renew_due

    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    started = time.time()
    renewed = 0
    with connection.execute_wrapper(count):
        while done := renew_due(limit=200):
            renewed += done
    finished = time.time()
    return {"renewed": renewed, "started": started, "finished": finished, "statements": statements}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcp_payments.settings.production")
    import django

    django.setup()
    command = sys.argv[1]
    output = _seed(int(sys.argv[2])) if command == "seed" else _renew()
    print(json.dumps(output))
