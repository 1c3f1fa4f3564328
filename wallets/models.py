"""The ledger (accounts, balances, journal entries, postings) and what rides on it: wallets,
transfers, payouts and staff adjustments.

Sign convention: a posting's `amount` is positive for a debit and negative for a credit, so every
entry's postings sum to zero per currency (enforced at commit by a deferred constraint trigger).
"""

from django.conf import settings
from django.db import models

from mcp_payments.api.fields import PrefixedIdField

from .enums import (
    AccountType,
    AdjustmentDirection,
    AdjustmentStatus,
    PayoutStatus,
    PostingType,
    TransferStatus,
    WalletStatus,
)


class LedgerAccount(models.Model):
    """One account in one currency. `code` names its role for its owner, e.g. `wallet`,
    `merchant_available`, `platform_fees`. Platform accounts have no merchant."""

    id = PrefixedIdField("acct")
    merchant = models.ForeignKey(
        "accounts.Merchant", on_delete=models.PROTECT, null=True, related_name="+"
    )
    code = models.CharField(max_length=48)
    owner_id = models.CharField(max_length=40, blank=True, default="")
    type = models.CharField(max_length=16, choices=AccountType.choices)
    currency = models.CharField(max_length=3)
    # TigerBeetle's flags: a credit-normal account that must not go negative refuses debits
    # beyond its credits (posted and pending debits count); and the converse.
    debits_must_not_exceed_credits = models.BooleanField(default=False)
    credits_must_not_exceed_debits = models.BooleanField(default=False)
    # Frozen accounts refuse new debits (compliance); credits still land.
    frozen = models.BooleanField(default=False)
    # Hot platform accounts spread their balance over shards so that concurrent entries do not
    # queue on one row lock; their balance is the sum of the shards. Limits need one shard.
    shard_count = models.PositiveSmallIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code", "owner_id", "currency"], name="ledger_account_role_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(shard_count=1)
                | models.Q(
                    debits_must_not_exceed_credits=False, credits_must_not_exceed_debits=False
                ),
                name="ledger_account_sharded_without_limits",
            ),
        ]
        indexes = [models.Index(fields=["merchant", "-id"], name="ledger_account_merchant")]

    def __str__(self) -> str:
        return f"{self.code}:{self.owner_id or 'platform'} {self.currency} ({self.id})"


class AccountBalance(models.Model):
    """Materialized balance of one shard of an account, updated in the posting's transaction."""

    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="shards")
    shard = models.PositiveSmallIntegerField(default=0)
    debits_posted = models.BigIntegerField(default=0)
    credits_posted = models.BigIntegerField(default=0)
    debits_pending = models.BigIntegerField(default=0)
    credits_pending = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "shard"], name="account_balance_shard"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}[{self.shard}]"


class JournalEntry(models.Model):
    """One movement of value: two or more postings that balance per currency. Immutable."""

    id = PrefixedIdField("je")
    merchant = models.ForeignKey(
        "accounts.Merchant", on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=32)
    description = models.CharField(max_length=500, blank=True, default="")
    reference_id = models.CharField(max_length=40, blank=True, default="")
    created = models.DateTimeField()

    class Meta:
        verbose_name_plural = "journal entries"
        indexes = [
            models.Index(fields=["merchant", "-id"], name="journal_entry_merchant"),
            models.Index(fields=["reference_id"], name="journal_entry_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


class Posting(models.Model):
    """One leg of an entry: a signed amount (debit > 0 > credit) on one account. Immutable."""

    id = models.BigAutoField(primary_key=True)
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    # Indexed by (account, created) below, which also serves lookups by account.
    account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="postings", db_index=False
    )
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    type = models.CharField(max_length=8, choices=PostingType.choices)
    created = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["account", "created"], name="posting_account_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="posting_amount_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.amount:+d} {self.currency} {self.account_id} ({self.entry_id})"


class Wallet(models.Model):
    """A customer's stored value in one currency, backed by a liability account that must not go
    negative."""

    id = PrefixedIdField("wal")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    customer_id = models.CharField(max_length=40, null=True, blank=True)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=8, choices=WalletStatus.choices, default=WalletStatus.ACTIVE
    )
    account = models.OneToOneField(LedgerAccount, on_delete=models.PROTECT, related_name="wallet")
    metadata = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "-id"], name="wallet_merchant_newest")]

    def __str__(self) -> str:
        return f"{self.id} ({self.currency})"


class Transfer(models.Model):
    """Wallet to wallet, immediate or held (pending) until posted, voided or expired."""

    id = PrefixedIdField("tr")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    source_wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="+")
    destination_wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()
    amount_posted = models.BigIntegerField(default=0)
    # Taken by the platform out of what the destination receives (credited to platform fees).
    application_fee_amount = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=8, choices=TransferStatus.choices)
    description = models.CharField(max_length=500, null=True, blank=True)
    metadata = models.JSONField(default=dict)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    pending_entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, related_name="+"
    )
    final_entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created = models.DateTimeField()
    updated = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "-id"], name="transfer_merchant_newest"),
            models.Index(
                fields=["hold_expires_at"],
                name="transfer_hold_expiry",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.amount} {self.currency} ({self.status})"


class Payout(models.Model):
    """Funds leaving a wallet (or the merchant's available balance when `wallet` is empty) for a
    tokenized bank account, settled by a background job."""

    id = PrefixedIdField("po")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    wallet = models.ForeignKey(
        Wallet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    destination = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=PayoutStatus.choices)
    failure_code = models.CharField(max_length=48, null=True, blank=True)
    description = models.CharField(max_length=500, null=True, blank=True)
    metadata = models.JSONField(default=dict)
    created = models.DateTimeField()
    updated = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["merchant", "-id"], name="payout_merchant_newest")]

    def __str__(self) -> str:
        return f"{self.id} {self.amount} {self.currency} ({self.status})"


class Adjustment(models.Model):
    """A staff correction of a wallet against the platform funding account (maker-checker)."""

    id = PrefixedIdField("adj")
    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=6, choices=AdjustmentDirection.choices)
    amount = models.BigIntegerField()
    reason = models.CharField(max_length=500)
    status = models.CharField(
        max_length=16,
        choices=AdjustmentStatus.choices,
        default=AdjustmentStatus.PENDING_APPROVAL,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.direction} {self.amount} {self.wallet_id} ({self.status})"
