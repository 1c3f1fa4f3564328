"""API representations of ledger and wallet objects (REST, events and MCP share them)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField


class BalanceSerializer(serializers.Serializer):
    available = serializers.IntegerField()
    pending = serializers.IntegerField()


class WalletSerializer(ObjectSerializer):
    object_name = "wallet"

    created = TimestampField()
    customer = serializers.CharField(source="customer_id", allow_null=True)
    currency = serializers.CharField()
    status = serializers.CharField()
    balance = serializers.SerializerMethodField()
    ledger_account = serializers.CharField(source="account_id")
    metadata = serializers.DictField(child=serializers.CharField())

    @extend_schema_field(BalanceSerializer)
    def get_balance(self, wallet) -> dict[str, int]:
        from .selectors import wallet_balance

        balance = getattr(wallet, "_balance", None) or wallet_balance(wallet)
        return {"available": balance.available, "pending": balance.pending}


class TransferSerializer(ObjectSerializer):
    object_name = "transfer"

    created = TimestampField()
    source_wallet = serializers.CharField(source="source_wallet_id")
    destination_wallet = serializers.CharField(source="destination_wallet_id")
    amount = serializers.IntegerField()
    amount_posted = serializers.IntegerField()
    application_fee_amount = serializers.IntegerField()
    currency = serializers.CharField()
    status = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())
    hold_expires_at = TimestampField(allow_null=True)
    pending_entry = serializers.CharField(source="pending_entry_id", allow_null=True)
    final_entry = serializers.CharField(source="final_entry_id", allow_null=True)


class PayoutSerializer(ObjectSerializer):
    object_name = "payout"

    created = TimestampField()
    wallet = serializers.CharField(source="wallet_id", allow_null=True)
    source = serializers.SerializerMethodField()
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    destination = serializers.CharField()
    status = serializers.CharField()
    failure_code = serializers.CharField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())

    def get_source(self, payout) -> str:
        return "wallet" if payout.wallet_id else "balance"


class AdjustmentSerializer(ObjectSerializer):
    """A staff adjustment of a wallet (its `adjustment.approved` event)."""

    object_name = "adjustment"

    created = TimestampField()
    wallet = serializers.CharField(source="wallet_id")
    merchant = serializers.CharField(source="wallet.merchant_id")
    direction = serializers.CharField()
    amount = serializers.IntegerField()
    currency = serializers.CharField(source="wallet.currency")
    reason = serializers.CharField()
    status = serializers.CharField()
    entry = serializers.CharField(source="entry_id", allow_null=True)
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    decided_at = TimestampField(allow_null=True)

    def get_requested_by(self, adjustment) -> str:
        return f"user:{adjustment.requested_by_id}"

    def get_decided_by(self, adjustment) -> str | None:
        return f"user:{adjustment.decided_by_id}" if adjustment.decided_by_id else None


class PostingSerializer(serializers.Serializer):
    account = serializers.CharField(source="account_id")
    amount = serializers.IntegerField(help_text="Debit > 0 > credit, in minor units.")
    currency = serializers.CharField()
    type = serializers.CharField()


class JournalEntrySerializer(ObjectSerializer):
    object_name = "journal_entry"

    created = TimestampField()
    kind = serializers.CharField()
    description = serializers.CharField()
    reference = serializers.CharField(source="reference_id")
    merchant = serializers.CharField(source="merchant_id", allow_null=True)
    postings = PostingSerializer(many=True)


class AccountBalanceSerializer(serializers.Serializer):
    balance = serializers.IntegerField(help_text="Posted balance in the account's normal sign.")
    available = serializers.IntegerField(help_text="Posted balance less pending outflows.")
    debits_posted = serializers.IntegerField()
    credits_posted = serializers.IntegerField()
    debits_pending = serializers.IntegerField()
    credits_pending = serializers.IntegerField()
    as_of = TimestampField(allow_null=True)


class LedgerAccountSerializer(ObjectSerializer):
    object_name = "ledger_account"

    created = TimestampField()
    code = serializers.CharField()
    owner = serializers.CharField(source="owner_id")
    merchant = serializers.CharField(source="merchant_id", allow_null=True)
    type = serializers.CharField()
    currency = serializers.CharField()
    frozen = serializers.BooleanField()
    balance = serializers.SerializerMethodField()

    @extend_schema_field(AccountBalanceSerializer)
    def get_balance(self, account) -> dict[str, Any]:
        from .selectors import account_balance

        as_of = self.context.get("as_of")
        return AccountBalanceSerializer(account_balance(account, as_of=as_of)).data


class WalletTransactionSerializer(ObjectSerializer):
    """One journal entry's effect on a wallet (natural sign: positive adds to the balance)."""

    object_name = "wallet_transaction"

    created = TimestampField()
    kind = serializers.CharField()
    description = serializers.CharField()
    reference = serializers.CharField(source="reference_id")
    amount = serializers.IntegerField(
        source="posted_effect", help_text="Change of the posted balance."
    )
    hold_amount = serializers.IntegerField(
        source="pending_effect", help_text="Change of pending amounts (holds placed or released)."
    )


class BalanceTransactionSerializer(ObjectSerializer):
    """One journal entry's effect on the merchant's balance (available and pending)."""

    object_name = "balance_transaction"

    created = TimestampField()
    type = serializers.CharField(source="kind")
    source = serializers.CharField(source="reference_id")
    description = serializers.CharField()
    currency = serializers.CharField()
    available_amount = serializers.IntegerField()
    pending_amount = serializers.IntegerField()
