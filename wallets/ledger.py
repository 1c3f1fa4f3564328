"""The ledger's building blocks: accounts by role, and posting balanced journal entries.

`post_entries` is the only way postings are written. It requires an open transaction and makes
one round trip per batch: the database function `ledger_post_entries` locks the balance rows it
touches in (account, shard) order, checks limits with conditional updates (never
read-check-write), and inserts the entries and postings. A deferred constraint trigger rejects at
commit any entry whose postings do not sum to zero per currency.
"""

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from mcp_payments.api.ids import new_id

from .enums import AccountType, PostingType
from .exceptions import (
    CurrencyMismatch,
    InsufficientFunds,
    LedgerLimitExceeded,
    UnbalancedEntry,
    WalletFrozen,
)
from .models import AccountBalance, LedgerAccount

HOT_ACCOUNT_SHARDS = 16


@dataclass(frozen=True)
class Leg:
    """One posting: `amount` > 0 debits the account, < 0 credits it."""

    account_id: str
    amount: int
    currency: str
    type: str = PostingType.POSTED
    # Refuse the entry unless this account's debits stay within its credits afterwards, even if
    # the account may otherwise go negative.
    check_funds: bool = False


def debit(
    account: LedgerAccount,
    amount: int,
    type: str = PostingType.POSTED,
    *,
    check_funds: bool = False,
) -> Leg:
    return Leg(account.id, amount, account.currency, type, check_funds)


def credit(account: LedgerAccount, amount: int, type: str = PostingType.POSTED) -> Leg:
    return Leg(account.id, -amount, account.currency, type)


@dataclass
class Entry:
    kind: str
    legs: list[Leg]
    merchant_id: str | None = None
    description: str = ""
    reference_id: str = ""
    id: str = field(default_factory=lambda: new_id("je"))

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "merchant": self.merchant_id,
            "description": self.description,
            "reference": self.reference_id,
            "postings": [
                {
                    "account": leg.account_id,
                    "amount": leg.amount,
                    "currency": leg.currency,
                    "type": leg.type,
                    "check_funds": leg.check_funds,
                }
                for leg in self.legs
            ],
        }


_ERRORS = {
    "insufficient_funds": InsufficientFunds,
    "account_frozen": WalletFrozen,
    "credit_limit_exceeded": LedgerLimitExceeded,
    "currency_mismatch": CurrencyMismatch,
    "unbalanced": UnbalancedEntry,
}


def ledger_error(code: str) -> Exception:
    """The application error for a code returned by `ledger_post_entries` (`code:account`)."""
    name, _, account_id = code.partition(":")
    error_class = _ERRORS.get(name, UnbalancedEntry)
    error = error_class()
    error.extra = {"ledger_account": account_id} if account_id else {}
    return error


def _check_balanced(entry: Entry) -> None:
    totals: dict[str, int] = defaultdict(int)
    for leg in entry.legs:
        if leg.amount == 0:
            raise UnbalancedEntry(f"Entry {entry.kind} has a zero posting.")
        totals[leg.currency] += leg.amount
    if len(entry.legs) < 2 or any(totals.values()):
        raise UnbalancedEntry(f"Entry {entry.kind} does not balance: {dict(totals)}")


def post_entries(entries: list[Entry]) -> list[str | None]:
    """Post each entry, independently: returns None for a posted entry or its error code.

    Building block: must run inside the caller's transaction (a refused entry leaves no trace,
    the others stand until the caller's transaction decides)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_entries() must be called inside transaction.atomic()")
    for entry in entries:
        _check_balanced(entry)
    payload = json.dumps([entry.as_json() for entry in entries])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT idx, error FROM ledger_post_entries(%s::jsonb, %s)", [payload, timezone.now()]
        )
        results: list[str | None] = [None] * len(entries)
        for index, error in cursor.fetchall():
            results[index] = error
    return results


def post_entry(entry: Entry) -> str:
    """Post one entry or raise its application error (InsufficientFunds, WalletFrozen, …)."""
    [error] = post_entries([entry])
    if error is not None:
        raise ledger_error(error)
    return entry.id


# Ledger accounts by role, per process: platform accounts by (code, currency), merchants' by
# (code, currency, merchant id). An account's id never changes, and an entry goes in only once
# the row is committed (the transaction that created or first saw it might still roll back).
# Saves a SELECT per leg of every payment capture (issue 19). Tests that flush the database
# clear it.
_platform_cache: dict[tuple[str, ...], LedgerAccount] = {}
_ACCOUNT_CACHE_MAX = 50_000


def _cached_account(key: tuple[str, ...], load: Callable[[], LedgerAccount]) -> LedgerAccount:
    account = _platform_cache.get(key)
    if account is None:
        account = load()

        def remember() -> None:
            if len(_platform_cache) >= _ACCOUNT_CACHE_MAX:
                _platform_cache.clear()
            _platform_cache.setdefault(key, account)

        transaction.on_commit(remember)
    return account


def account_get_or_create(
    *,
    code: str,
    owner_id: str,
    currency: str,
    type: str,
    merchant_id: str | None = None,
    debits_must_not_exceed_credits: bool = False,
    shard_count: int = 1,
) -> LedgerAccount:
    """The account with this role, created with its balance shard rows on first use. Safe under
    concurrency (unique role constraint, insert-or-ignore)."""
    account = LedgerAccount.objects.filter(code=code, owner_id=owner_id, currency=currency).first()
    if account is not None:
        return account
    with transaction.atomic():
        candidate = LedgerAccount(
            code=code,
            owner_id=owner_id,
            currency=currency,
            type=type,
            merchant_id=merchant_id,
            debits_must_not_exceed_credits=debits_must_not_exceed_credits,
            shard_count=shard_count,
        )
        created = LedgerAccount.objects.bulk_create([candidate], ignore_conflicts=True)
        account = LedgerAccount.objects.get(code=code, owner_id=owner_id, currency=currency)
        if created and account.pk == candidate.pk:
            AccountBalance.objects.bulk_create(
                [AccountBalance(account=account, shard=shard) for shard in range(shard_count)]
            )
    return account


PLATFORM_ACCOUNTS: dict[str, str] = {
    # code -> type. All sharded: every payment, payout or adjustment touches one of them.
    "platform_fees": AccountType.REVENUE,
    "platform_funding": AccountType.EQUITY,
    "payout_clearing": AccountType.LIABILITY,
    "bank_settlement": AccountType.ASSET,
    "provider_clearing": AccountType.ASSET,
    "dispute_losses": AccountType.EXPENSE,
}


def platform_account(code: str, currency: str) -> LedgerAccount:
    """A platform-owned account (may go negative, sharded). Cached once its row is committed;
    ids never change."""
    return _cached_account(
        (code, currency),
        lambda: account_get_or_create(
            code=code,
            owner_id="",
            currency=currency,
            type=PLATFORM_ACCOUNTS[code],
            shard_count=HOT_ACCOUNT_SHARDS,
        ),
    )


def merchant_account(
    merchant_id: str, code: str, currency: str, *, must_not_go_negative: bool = False
) -> LedgerAccount:
    """A merchant's balance account (`merchant_available`, `merchant_pending`, …): liabilities of
    the platform to the merchant. The flag applies when the account is first created. Cached
    once its row is committed; ids never change."""
    return _cached_account(
        (code, currency, merchant_id),
        lambda: account_get_or_create(
            code=code,
            owner_id=merchant_id,
            currency=currency,
            type=AccountType.LIABILITY,
            merchant_id=merchant_id,
            debits_must_not_exceed_credits=must_not_go_negative,
        ),
    )
