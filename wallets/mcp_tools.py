"""MCP tools over balances, wallets, transfers and payouts (the same services, selectors and
representations as `wallets/api/`). Transfers and payouts move money: agent limits, approvals,
dry runs and derived idempotency apply (mcp_payments/mcp/execution.py)."""

from typing import Any

from rest_framework import serializers

from mcp_payments.mcp.registry import Effect, IdInput, ListInput, NoInput, ToolCall, tool
from wallets import selectors
from wallets.api.serializers import (
    PayoutCreateSerializer,
    TransferCreateSerializer,
    WalletCreateSerializer,
)
from wallets.models import Payout, Transfer, Wallet
from wallets.representations import (
    PayoutSerializer,
    TransferSerializer,
    WalletSerializer,
    WalletTransactionSerializer,
)
from wallets.services import payouts, transfers
from wallets.services import wallets as wallet_services
from wallets.services.transfers import TransferRequest


class _BalanceAmount(serializers.Serializer):
    amount = serializers.IntegerField()
    currency = serializers.CharField()


class MerchantBalanceSerializer(serializers.Serializer):
    """GET /api/v1/balance."""

    object = serializers.CharField(help_text="Always `balance`.")
    available = _BalanceAmount(many=True)
    pending = _BalanceAmount(many=True)


@tool(
    "get_balance",
    scope="payments:read",
    input=NoInput,
    output=MerchantBalanceSerializer,
    title="Get the merchant balance",
    description="The merchant's available and pending balance per currency, in minor units "
    "(GET /balance).",
)
def get_balance(call: ToolCall, data: dict[str, Any]) -> dict[str, Any]:
    return {"object": "balance", **selectors.merchant_balance(context=call.context)}


@tool(
    "create_wallet",
    scope="wallets:write",
    input=WalletCreateSerializer,
    output=WalletSerializer,
    effect=Effect.WRITE,
    title="Create a wallet",
    description="Create a stored-value wallet in one currency, optionally for a customer "
    "(cus_…). Returns the wallet with its balance.",
)
def create_wallet(call: ToolCall, data: dict[str, Any]) -> Wallet:
    return wallet_services.wallet_create(
        context=call.context,
        currency=data["currency"],
        customer_id=data.get("customer"),
        metadata=data.get("metadata"),
    )


@tool(
    "get_wallet",
    scope="wallets:read",
    input=IdInput,
    output=WalletSerializer,
    title="Get a wallet",
    description="Retrieve a wallet (wal_…) with its available and pending balance.",
)
def get_wallet(call: ToolCall, data: dict[str, Any]) -> Wallet:
    return selectors.wallet_get(context=call.context, wallet_id=data["id"])


class WalletTransactionsInput(ListInput):
    id = serializers.CharField(max_length=64, help_text="The wallet's id (wal_…).")


@tool(
    "list_wallet_transactions",
    scope="wallets:read",
    input=WalletTransactionsInput,
    output=WalletTransactionSerializer,
    is_list=True,
    title="List a wallet's transactions",
    description="The journal entries that moved a wallet's balance, newest first, each with "
    "its effect on the posted balance (amount) and on holds (hold_amount).",
)
def list_wallet_transactions(call: ToolCall, data: dict[str, Any]):
    wallet = selectors.wallet_get(context=call.context, wallet_id=data["id"])
    return selectors.wallet_transactions(wallet=wallet)


def _amount(data: dict[str, Any]) -> tuple[int, str]:
    return data["amount"], data["currency"]


@tool(
    "create_transfer",
    scope="transfers:write",
    input=TransferCreateSerializer,
    output=TransferSerializer,
    effect=Effect.MONEY,
    amount=_amount,
    fee=lambda transfer: transfer.application_fee_amount,
    destructive=True,
    title="Transfer between wallets",
    description="Move amount (minor units) from source_wallet to destination_wallet now, or "
    "hold it (pending: true). Subject to the key's agent policy: above approval_above it "
    "returns pending_approval and does nothing until staff approve. dry_run: true shows the "
    "would-be transfer, its ledger postings, fee and policy verdict without changing anything.",
)
def create_transfer(call: ToolCall, data: dict[str, Any]) -> Transfer:
    request = TransferRequest(**{"metadata": {}, **data})
    return transfers.transfer_create(context=call.context, request=request)


@tool(
    "create_payout",
    scope="payouts:write",
    input=PayoutCreateSerializer,
    output=PayoutSerializer,
    effect=Effect.MONEY,
    amount=_amount,
    destructive=True,
    open_world=True,
    title="Pay out to a bank account",
    description="Send amount from a wallet (wallet) or the merchant balance to a tokenized bank "
    "account (destination: btok_…). Subject to the key's agent policy (approvals above "
    "approval_above, limits); dry_run: true simulates it.",
)
def create_payout(call: ToolCall, data: dict[str, Any]) -> Payout:
    return payouts.payout_create(
        context=call.context,
        amount=data["amount"],
        currency=data["currency"],
        destination=data["destination"],
        wallet_id=data.get("wallet"),
        description=data.get("description"),
        metadata=data.get("metadata"),
    )
