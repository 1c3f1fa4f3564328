"""Reads of the ledger and wallets, scoped to the caller's merchant."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.scoping import merchant_scoped

from .enums import DEBIT_NORMAL
from .exceptions import (
    LedgerObjectNotFound,
    PayoutNotFound,
    TransferNotFound,
    WalletNotFound,
)
from .models import (
    AccountBalance,
    JournalEntry,
    LedgerAccount,
    Payout,
    Posting,
    Transfer,
    Wallet,
)


@dataclass(frozen=True)
class Balance:
    """Sums over an account's shards (or over its postings up to `as_of`)."""

    debit_normal: bool
    debits_posted: int
    credits_posted: int
    debits_pending: int
    credits_pending: int
    as_of: datetime | None = None

    @property
    def balance(self) -> int:
        """Posted balance in the account's normal sign (positive = what it normally holds)."""
        net = self.debits_posted - self.credits_posted
        return net if self.debit_normal else -net

    @property
    def available(self) -> int:
        """Posted balance less pending outflows (holds)."""
        outflow = self.credits_pending if self.debit_normal else self.debits_pending
        return self.balance - outflow

    @property
    def pending(self) -> int:
        """Pending inflows not yet posted."""
        return self.debits_pending if self.debit_normal else self.credits_pending


_scoped = merchant_scoped  # one merchant-scoping rule (mcp_payments.accounts.scoping)


def _sum(condition: str) -> str:
    return f"coalesce((sum(amount) FILTER (WHERE {condition}))::bigint, 0)"


# Debits/credits posted and pending of the postings selected, with holds released by `release`
# postings (see the ledger_post_entries migration for the same rules).
_POSTING_SUMS = ", ".join(
    (
        _sum("type = 'posted' AND amount > 0") + " AS dp",
        "-" + _sum("type = 'posted' AND amount < 0") + " AS cp",
        _sum("type = 'pending' AND amount > 0")
        + " + "
        + _sum("type = 'release' AND amount < 0")
        + " AS dpe",
        "-"
        + _sum("type = 'pending' AND amount < 0")
        + " - "
        + _sum("type = 'release' AND amount > 0")
        + " AS cpe",
    )
)


def account_balance(account: LedgerAccount, as_of: datetime | None = None) -> Balance:
    debit_normal = account.type in DEBIT_NORMAL
    if as_of is None:
        sums = AccountBalance.objects.filter(account=account).aggregate(
            dp=Sum("debits_posted"),
            cp=Sum("credits_posted"),
            dpe=Sum("debits_pending"),
            cpe=Sum("credits_pending"),
        )
        return Balance(
            debit_normal,
            int(sums["dp"] or 0),
            int(sums["cp"] or 0),
            int(sums["dpe"] or 0),
            int(sums["cpe"] or 0),
        )
    return _balance_from_postings(account, as_of, debit_normal)


def _balance_from_postings(account: LedgerAccount, as_of: datetime, debit_normal: bool) -> Balance:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_POSTING_SUMS} FROM wallets_posting"  # noqa: S608 (constant SQL)
            " WHERE account_id = %s AND created <= %s",
            [account.id, as_of],
        )
        dp, cp, dpe, cpe = cursor.fetchone()
    return Balance(debit_normal, dp, cp, dpe, cpe, as_of=as_of)


def wallet_balance(wallet: Wallet) -> Balance:
    return account_balance(wallet.account)


def wallet_list(*, context: AuthContext, customer: str | None = None) -> QuerySet[Wallet]:
    wallets = _scoped(Wallet.objects.select_related("account"), context)
    if customer:
        wallets = wallets.filter(customer_id=customer)
    return wallets


def wallet_get(*, context: AuthContext, wallet_id: str, param: str = "id") -> Wallet:
    wallet = wallet_list(context=context).filter(pk=wallet_id).first()
    if wallet is None:
        raise WalletNotFound(f"No such wallet: '{wallet_id}'", param=param)
    return wallet


def wallet_transactions(*, wallet: Wallet) -> QuerySet[JournalEntry]:
    """The entries that touched the wallet, each with its effect in the wallet's natural sign
    (the wallet is a liability: a credit adds to it)."""
    on_wallet = Q(postings__account_id=wallet.account_id)
    return JournalEntry.objects.filter(on_wallet).annotate(
        posted_effect=Coalesce(
            -Sum("postings__amount", filter=on_wallet & Q(postings__type="posted")), 0
        ),
        pending_effect=Coalesce(
            -Sum("postings__amount", filter=on_wallet & ~Q(postings__type="posted")), 0
        ),
    )


def transfer_list(*, context: AuthContext, wallet: str | None = None) -> QuerySet[Transfer]:
    transfers = _scoped(Transfer.objects.all(), context)
    if wallet:
        transfers = transfers.filter(source_wallet_id=wallet) | transfers.filter(
            destination_wallet_id=wallet
        )
    return transfers


def transfer_get(*, context: AuthContext, transfer_id: str) -> Transfer:
    transfer = _scoped(Transfer.objects.all(), context).filter(pk=transfer_id).first()
    if transfer is None:
        raise TransferNotFound(f"No such transfer: '{transfer_id}'", param="id")
    return transfer


def payout_list(*, context: AuthContext, status: str | None = None) -> QuerySet[Payout]:
    """The caller's payouts, of one `status` when given."""
    payouts = _scoped(Payout.objects.all(), context)
    return payouts.filter(status=status) if status else payouts


def payout_get(*, context: AuthContext, payout_id: str) -> Payout:
    payout = payout_list(context=context).filter(pk=payout_id).first()
    if payout is None:
        raise PayoutNotFound(f"No such payout: '{payout_id}'", param="id")
    return payout


def ledger_account_list(*, context: AuthContext) -> QuerySet[LedgerAccount]:
    return _scoped(LedgerAccount.objects.all(), context)


def ledger_account_get(*, context: AuthContext, account_id: str) -> LedgerAccount:
    account = ledger_account_list(context=context).filter(pk=account_id).first()
    if account is None:
        raise LedgerObjectNotFound(f"No such ledger account: '{account_id}'", param="id")
    return account


def journal_entry_list(*, context: AuthContext) -> QuerySet[JournalEntry]:
    """Merchants see the entries that touch their accounts; platform staff see all."""
    entries = JournalEntry.objects.prefetch_related("postings")
    if context.merchant is not None:
        return entries.filter(postings__account__merchant=context.merchant).distinct()
    return entries if context.is_platform_staff else entries.none()


def journal_entry_get(*, context: AuthContext, entry_id: str) -> JournalEntry:
    entry = journal_entry_list(context=context).filter(pk=entry_id).first()
    if entry is None:
        raise LedgerObjectNotFound(f"No such journal entry: '{entry_id}'", param="id")
    return entry


@dataclass(frozen=True)
class TrialBalanceLine:
    currency: str
    total_debits: int
    total_credits: int

    @property
    def balanced(self) -> bool:
        return self.total_debits == self.total_credits


def trial_balance() -> list[TrialBalanceLine]:
    """Per currency: all posted debits and credits from the postings themselves."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT currency,
                   coalesce((sum(amount) FILTER (WHERE amount > 0))::bigint, 0),
                   coalesce(-(sum(amount) FILTER (WHERE amount < 0))::bigint, 0)
            FROM wallets_posting WHERE type = 'posted' GROUP BY currency ORDER BY currency
            """
        )
        return [TrialBalanceLine(*row) for row in cursor.fetchall()]


@dataclass(frozen=True)
class BalanceMismatch:
    account_id: str
    materialized: tuple[int, int, int, int]
    from_postings: tuple[int, int, int, int]


_MISMATCHES_SQL = f"""
    WITH materialized AS (
      SELECT account_id, sum(debits_posted)::bigint dp, sum(credits_posted)::bigint cp,
             sum(debits_pending)::bigint dpe, sum(credits_pending)::bigint cpe
      FROM wallets_accountbalance GROUP BY account_id
    ), computed AS (
      SELECT account_id, {_POSTING_SUMS}
      FROM wallets_posting GROUP BY account_id
    )
    SELECT m.account_id, m.dp, m.cp, m.dpe, m.cpe,
           coalesce(c.dp, 0), coalesce(c.cp, 0), coalesce(c.dpe, 0), coalesce(c.cpe, 0)
    FROM materialized m LEFT JOIN computed c USING (account_id)
    WHERE (m.dp, m.cp, m.dpe, m.cpe)
          IS DISTINCT FROM (coalesce(c.dp, 0), coalesce(c.cp, 0),
                            coalesce(c.dpe, 0), coalesce(c.cpe, 0))
    ORDER BY m.account_id
"""  # noqa: S608 (only constant SQL is interpolated)


def ledger_mismatches() -> list[BalanceMismatch]:
    """Accounts whose materialized balance differs from the sum of their postings."""
    with connection.cursor() as cursor:
        cursor.execute(_MISMATCHES_SQL)
        return [
            BalanceMismatch(row[0], tuple(row[1:5]), tuple(row[5:9])) for row in cursor.fetchall()
        ]


def unbalanced_entries() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT entry_id FROM wallets_posting GROUP BY entry_id, currency"
            " HAVING sum(amount)::bigint <> 0 ORDER BY entry_id"
        )
        return [row[0] for row in cursor.fetchall()]


MERCHANT_BALANCE_CODES = {"available": "merchant_available", "pending": "merchant_pending"}


def merchant_balance_transactions(*, context: AuthContext) -> QuerySet[JournalEntry]:
    """Entries that moved the merchant's available or pending balance, with their effect on
    each (positive adds to the merchant's balance)."""
    merchant_id = context.merchant.id if context.merchant else ""
    on_available = Q(
        postings__account__owner_id=merchant_id,
        postings__account__code=MERCHANT_BALANCE_CODES["available"],
    )
    on_pending = Q(
        postings__account__owner_id=merchant_id,
        postings__account__code=MERCHANT_BALANCE_CODES["pending"],
    )
    return JournalEntry.objects.filter(on_available | on_pending).annotate(
        available_amount=Coalesce(-Sum("postings__amount", filter=on_available), 0),
        pending_amount=Coalesce(-Sum("postings__amount", filter=on_pending), 0),
        currency=Min("postings__currency"),
    )


def merchant_balance(*, context: AuthContext) -> dict[str, list[dict[str, int | str]]]:
    """The merchant's available and pending balances per currency (API `GET /balance`)."""
    accounts = LedgerAccount.objects.filter(
        owner_id=context.merchant.id if context.merchant else "",
        code__in=MERCHANT_BALANCE_CODES.values(),
    ).annotate(
        credits=Sum("shards__credits_posted"),
        debits=Sum("shards__debits_posted"),
        held=Sum("shards__debits_pending"),
    )
    result: dict[str, list[dict[str, int | str]]] = {"available": [], "pending": []}
    for account in accounts.order_by("currency"):
        kind = "available" if account.code == MERCHANT_BALANCE_CODES["available"] else "pending"
        amount = (account.credits or 0) - (account.debits or 0)
        if kind == "available":
            amount -= account.held or 0
        result[kind].append({"amount": amount, "currency": account.currency})
    return result


def postings_for_reference(*, reference_id: str) -> list[dict[str, Any]]:
    """The ledger postings of every journal entry that references `reference_id` (a payment,
    transfer, payout id), in posting order: `{entry, account, amount, currency, type}` with
    amounts in signed minor units. Reads only."""
    return [
        {
            "entry": posting.entry_id,
            "account": posting.account_id,
            "amount": posting.amount,
            "currency": posting.currency,
            "type": posting.type,
        }
        for posting in Posting.objects.filter(entry__reference_id=reference_id).order_by("id")
    ]


def _large(queryset: QuerySet, thresholds: dict[str, int], default_threshold: int) -> QuerySet:
    condition = Q(amount__gte=default_threshold) & ~Q(currency__in=list(thresholds))
    for currency, threshold in thresholds.items():
        condition |= Q(currency=currency, amount__gte=threshold)
    return queryset.filter(condition)


def transfers_at_or_above(
    *,
    context: AuthContext,
    start: datetime,
    end: datetime,
    thresholds: dict[str, int],
    default_threshold: int,
) -> QuerySet[Transfer]:
    """Transfers created in [start, end) at or above their currency's threshold, oldest first
    (compliance's large-transaction report)."""
    transfers = _scoped(Transfer.objects.all(), context).filter(created__gte=start, created__lt=end)
    return _large(transfers, thresholds, default_threshold).order_by("created", "id")


def payouts_at_or_above(
    *,
    context: AuthContext,
    start: datetime,
    end: datetime,
    thresholds: dict[str, int],
    default_threshold: int,
) -> QuerySet[Payout]:
    """Payouts created in [start, end) at or above their currency's threshold, oldest first."""
    payouts = _scoped(Payout.objects.all(), context).filter(created__gte=start, created__lt=end)
    return _large(payouts, thresholds, default_threshold).order_by("created", "id")
