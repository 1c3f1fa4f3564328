"""Known data sets for the HTTP benchmarks, written into the scratch database.

    python -m ops.bench.seed ledger --wallets 10000 --out var/bench/wallets.txt
    python -m ops.bench.seed payments

Prints one JSON line: the API key and what the load scripts need. Wallets are created in bulk
(rows, then one batch of balanced funding entries through the ledger's own posting function).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcp_payments.settings.production")

import django

django.setup()

from django.db import transaction  # noqa: E402

from mcp_payments.accounts.context import AuthContext  # noqa: E402
from mcp_payments.accounts.scopes import ALL_SCOPES  # noqa: E402
from mcp_payments.accounts.services import merchant_create  # noqa: E402
from wallets.enums import AccountType  # noqa: E402
from wallets.ledger import (  # noqa: E402
    HOT_ACCOUNT_SHARDS,
    Entry,
    credit,
    debit,
    platform_account,
    post_entries,
)
from wallets.models import AccountBalance, LedgerAccount, Wallet  # noqa: E402

FUNDING = 10_000_000
CHUNK = 1000


def seed_ledger(wallet_count: int, out: Path) -> dict:
    created = merchant_create(name="Bench ledger merchant", scopes="*", key_name="bench")
    merchant = created.merchant
    with transaction.atomic():
        for currency in ("usd",):
            for code in ("platform_fees", "platform_funding"):
                platform_account(code, currency)
    funding = platform_account("platform_funding", "usd")
    ids: list[str] = []
    for start in range(0, wallet_count, CHUNK):
        size = min(CHUNK, wallet_count - start)
        with transaction.atomic():
            wallets = [Wallet(merchant=merchant, currency="usd") for _ in range(size)]
            accounts = [
                LedgerAccount(
                    code="wallet",
                    owner_id=wallet.id,
                    currency="usd",
                    type=AccountType.LIABILITY,
                    merchant=merchant,
                    debits_must_not_exceed_credits=True,
                )
                for wallet in wallets
            ]
            LedgerAccount.objects.bulk_create(accounts)
            AccountBalance.objects.bulk_create([AccountBalance(account=a) for a in accounts])
            for wallet, account in zip(wallets, accounts, strict=True):
                wallet.account = account
            Wallet.objects.bulk_create(wallets)
            errors = post_entries(
                [
                    Entry(
                        kind="adjustment",
                        legs=[debit(funding, FUNDING), credit(account, FUNDING)],
                        merchant_id=merchant.id,
                        description="benchmark funding",
                        reference_id=account.owner_id,
                    )
                    for account in accounts
                ]
            )
            assert not any(errors), errors
        ids.extend(wallet.id for wallet in wallets)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(ids) + "\n")
    return {
        "api_key": created.api_key.secret,
        "wallets_file": str(out),
        "wallets": len(ids),
        "shards": HOT_ACCOUNT_SHARDS,
    }


def seed_payments() -> dict:
    from payments.services.payment_methods import payment_method_create

    created = merchant_create(name="Bench payments merchant", scopes="*", key_name="bench")
    context = AuthContext(merchant=created.merchant, scopes=frozenset(ALL_SCOPES))
    method = payment_method_create(context=context, token="tok_visa")  # noqa: S106
    return {"api_key": created.api_key.secret, "payment_method": method.id}


def analyze() -> None:
    """Fresh planner statistics for the seeded tables: without them the first minute of load ran
    on plans made for empty tables until autovacuum's ANALYZE caught up (transfer p95 of seconds
    in the first measured run, the same load fine in the next)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset", choices=["ledger", "payments"])
    parser.add_argument("--wallets", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path("var/bench/wallets.txt"))
    args = parser.parse_args()
    result = seed_ledger(args.wallets, args.out) if args.dataset == "ledger" else seed_payments()
    analyze()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
