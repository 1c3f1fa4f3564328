"""Data and ingest measurement for the analytics benchmark (run in its own process against the
scratch database):

    python -m ops.bench.analytics_seed seed --payments 1000000 --days 90
    python -m ops.bench.analytics_seed ingest --events 20000

`seed` writes a merchant, 10,000 customers and N succeeded payments spread over the last `days`
days with set-based SQL (generate_series), then rebuilds the rollups (`rollups_rebuild`) and
vacuums. `ingest` folds N synthetic `payment.succeeded` events into the rollups through the
analytics consumer's own path (`deliver_batch`, batches of 100) and reports events per second.
One JSON line each.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcp_payments.settings.production")

import django

django.setup()

from django.db import connection  # noqa: E402

from analytics.reconciliation import rollups_rebuild  # noqa: E402
from mcp_payments.accounts.services import merchant_create  # noqa: E402
from mcp_payments.api.ids import new_id  # noqa: E402
from mcp_payments.events.processing import deliver_batch  # noqa: E402

CUSTOMERS = 10_000

_CUSTOMERS_SQL = """
    INSERT INTO payments_customer (id, merchant_id, name, email, metadata, balance, created,
        updated)
    SELECT 'cus_bench' || lpad(g::text, 17, '0'), %(merchant)s, 'Customer ' || g,
           'c' || g || '@example.com', '{}'::jsonb, '{}'::jsonb,
           %(start)s + (g::bigint * %(span)s / %(customers)s) * interval '1 second',
           %(start)s + (g::bigint * %(span)s / %(customers)s) * interval '1 second'
    FROM generate_series(1, %(customers)s) AS g
"""
# Amounts 100..100,099 minor units; fee 2.9 % + 30 rounded half up; captured at evenly spread
# instants over the window.
_PAYMENTS_SQL = """
    INSERT INTO payments_payment (id, merchant_id, customer_id, amount, currency, status,
        capture_method, amount_capturable, amount_received, amount_refunded, fee, metadata,
        source, authorized_at, captured_at, created, updated)
    SELECT 'pay_bench' || lpad(g::text, 17, '0'), %(merchant)s,
           'cus_bench' || lpad((1 + g %% %(customers)s)::text, 17, '0'),
           a.amount, 'usd', 'succeeded', 'automatic', 0, a.amount, 0,
           (a.amount * 290 + 5000) / 10000 + 30, '{}'::jsonb, 'api', t.at, t.at, t.at, t.at
    FROM generate_series(1, %(payments)s) AS g
    CROSS JOIN LATERAL (SELECT 100 + (g::bigint * 7919) %% 100000 AS amount) AS a
    CROSS JOIN LATERAL (SELECT %(start)s + (g::bigint * %(span)s / %(payments)s)
                        * interval '1 second' AS at) AS t
"""


def seed(payments: int, days: int) -> dict:
    created = merchant_create(name="Bench analytics merchant", scopes="*", key_name="bench")
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=days)
    params = {
        "merchant": created.merchant.id,
        "start": start,
        "span": days * 86_400,
        "customers": CUSTOMERS,
        "payments": payments,
    }
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(_CUSTOMERS_SQL, params)
        cursor.execute(_PAYMENTS_SQL, params)
    seeded = time.monotonic() - began
    began = time.monotonic()
    rows = rollups_rebuild(since=start.date())
    with connection.cursor() as cursor:
        # A known, settled data set: vacuumed now rather than by autovacuum during the
        # measured requests (a 1M-row load crosses its thresholds on 2 cores).
        cursor.execute("VACUUM (ANALYZE)")
    return {
        "api_key": created.api_key.secret,
        "merchant": created.merchant.id,
        "payments": payments,
        "seed_seconds": round(seeded, 1),
        "rebuild_seconds": round(time.monotonic() - began, 1),
        "rollup_rows": rows,
    }


def ingest(events: int, batch: int = 100) -> dict:
    created = merchant_create(name="Bench ingest merchant", scopes="*", key_name="bench")
    now = datetime.now(UTC)
    stream = []
    for n in range(events):
        at = (now - timedelta(seconds=n * 7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        amount = 100 + (n * 7919) % 100_000
        stream.append(
            {
                "id": new_id("evt"),
                "type": "payment.succeeded",
                "created": at,
                "merchant": created.merchant.id,
                "data": {
                    "object": {
                        "id": new_id("pay"),
                        "object": "payment",
                        "amount": amount,
                        "amount_received": amount,
                        "fee": (amount * 290 + 5000) // 10000 + 30,
                        "currency": "usd",
                        "capture_method": "automatic",
                        "captured_at": at,
                        "customer": f"cus_{n % 500}",
                        "source": "api",
                        "api_key": None,
                        "risk": {"score": 0, "level": "normal", "rules": []},
                        "payment_method_details": {
                            "type": "card",
                            "card": {
                                "brand": "visa",
                                "country": None,
                                "funding": None,
                                "last4": "4242",
                            },
                        },
                    }
                },
            }
        )
    began = time.monotonic()
    for start in range(0, events, batch):
        failures = deliver_batch("analytics", stream[start : start + batch])
        assert not failures, failures
    elapsed = time.monotonic() - began
    return {"events": events, "seconds": round(elapsed, 2), "eps": round(events / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["seed", "ingest"])
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    result = seed(args.payments, args.days) if args.action == "seed" else ingest(args.events)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
