from typing import Any

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import (
    IsAuthenticatedActor,
    IsPlatformStaff,
    ScopePermission,
)
from mcp_payments.api.errors import (
    ApplicationError,
    application_error_body,
    validation_error_body,
)
from mcp_payments.api.filters import ListFilterSet, query_filters
from mcp_payments.api.pagination import list_serializer, paginate, parse_timestamp
from mcp_payments.api.serializers import valid
from mcp_payments.api.views import ApiView
from mcp_payments.events.representations import represent
from wallets import selectors
from wallets.enums import PayoutStatus
from wallets.exceptions import BatchFailed
from wallets.representations import (
    BalanceTransactionSerializer,
    JournalEntrySerializer,
    LedgerAccountSerializer,
    PayoutSerializer,
    TransferSerializer,
    WalletSerializer,
    WalletTransactionSerializer,
)
from wallets.services import payouts, transfers
from wallets.services import wallets as wallet_services

from .serializers import (
    FreezeSerializer,
    PayoutCreateSerializer,
    TransferBatchSerializer,
    TransferCreateSerializer,
    TransferPostSerializer,
    WalletCreateSerializer,
)

_PERMISSIONS = [IsAuthenticatedActor, ScopePermission]


class PayoutFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=PayoutStatus.choices)


class WalletListView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "wallets:read", "POST": "wallets:write"}
    operations = {"GET": "list_wallets", "POST": "create_wallet"}

    @extend_schema(
        operation_id="wallets_list",
        parameters=[OpenApiParameter("customer", str)],
        responses=list_serializer(WalletSerializer),
    )
    def get(self, request: Request) -> Response:
        wallets = selectors.wallet_list(
            context=self.ctx, customer=request.query_params.get("customer")
        )
        return Response(paginate(request, wallets, WalletSerializer))

    @extend_schema(
        operation_id="wallets_create",
        request=WalletCreateSerializer,
        responses={201: WalletSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid(WalletCreateSerializer, request.data).validated_data
        wallet = wallet_services.wallet_create(
            context=self.ctx,
            currency=data["currency"],
            customer_id=data.get("customer"),
            metadata=data.get("metadata"),
        )
        return Response(WalletSerializer(wallet).data, status=201)


class WalletDetailView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "wallets:read"}
    operations = {"GET": "get_wallet"}

    @extend_schema(operation_id="wallets_retrieve", responses=WalletSerializer)
    def get(self, request: Request, wallet_id: str) -> Response:
        wallet = selectors.wallet_get(context=self.ctx, wallet_id=wallet_id)
        return Response(WalletSerializer(wallet).data)


class WalletFreezeView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "wallets:write"}
    freeze = True
    operations = {"POST": "freeze_wallet"}

    @extend_schema(request=FreezeSerializer, responses={200: WalletSerializer})
    def post(self, request: Request, wallet_id: str) -> Response:
        reason = valid(FreezeSerializer, request.data).validated_data["reason"]
        action = wallet_services.wallet_freeze if self.freeze else wallet_services.wallet_unfreeze
        wallet = action(context=self.ctx, wallet_id=wallet_id, reason=reason)
        return Response(WalletSerializer(wallet).data)


class WalletUnfreezeView(WalletFreezeView):
    freeze = False
    operations = {"POST": "unfreeze_wallet"}


class WalletTransactionsView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "wallets:read"}
    operations = {"GET": "list_wallet_transactions"}

    @extend_schema(
        operation_id="wallets_transactions", responses=list_serializer(WalletTransactionSerializer)
    )
    def get(self, request: Request, wallet_id: str) -> Response:
        wallet = selectors.wallet_get(context=self.ctx, wallet_id=wallet_id)
        rows = selectors.wallet_transactions(wallet=wallet)
        return Response(paginate(request, rows, WalletTransactionSerializer))


class TransferListView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "wallets:read", "POST": "transfers:write"}
    operations = {"GET": "list_transfers", "POST": "create_transfer"}
    approvable = True

    @extend_schema(
        operation_id="transfers_list",
        parameters=[OpenApiParameter("wallet", str, description="Source or destination")],
        responses=list_serializer(TransferSerializer),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.transfer_list(context=self.ctx, wallet=request.query_params.get("wallet"))
        return Response(paginate(request, rows, TransferSerializer))

    @extend_schema(
        operation_id="transfers_create",
        request=TransferCreateSerializer,
        responses={201: TransferSerializer},
    )
    def post(self, request: Request) -> Response:
        transfer_request = valid(TransferCreateSerializer, request.data).to_request()
        transfer = transfers.transfer_create(context=self.ctx, request=transfer_request)
        return Response(represent(transfer), status=201)


class TransferDetailView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "wallets:read"}
    operations = {"GET": "get_transfer"}

    @extend_schema(operation_id="transfers_retrieve", responses=TransferSerializer)
    def get(self, request: Request, transfer_id: str) -> Response:
        transfer = selectors.transfer_get(context=self.ctx, transfer_id=transfer_id)
        return Response(TransferSerializer(transfer).data)


class TransferPostView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "transfers:write"}
    operations = {"POST": "post_transfer"}

    @extend_schema(
        operation_id="transfers_post", request=TransferPostSerializer, responses=TransferSerializer
    )
    def post(self, request: Request, transfer_id: str) -> Response:
        amount = valid(TransferPostSerializer, request.data).validated_data.get("amount")
        transfer = transfers.transfer_post(context=self.ctx, transfer_id=transfer_id, amount=amount)
        return Response(TransferSerializer(transfer).data)


class TransferVoidView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "transfers:write"}
    operations = {"POST": "void_transfer"}

    @extend_schema(operation_id="transfers_void", request=None, responses=TransferSerializer)
    def post(self, request: Request, transfer_id: str) -> Response:
        transfer = transfers.transfer_void(context=self.ctx, transfer_id=transfer_id)
        return Response(TransferSerializer(transfer).data)


_BatchItem = type(
    inline_serializer(
        "TransferBatchResult",
        {
            "index": serializers.IntegerField(),
            "transfer": TransferSerializer(allow_null=True),
            "error": serializers.DictField(allow_null=True),
        },
    )
)
_BatchItems = _BatchItem(many=True)
_BatchResponse = inline_serializer(
    "TransferBatch",
    {
        "object": serializers.CharField(help_text="Always `transfer_batch`."),
        "atomic": serializers.BooleanField(),
        "applied": serializers.BooleanField(),
        "results": _BatchItems,
    },
)
_BatchFailedResponse = inline_serializer(
    "TransferBatchFailed",
    {
        "error": inline_serializer(
            "TransferBatchFailedError",
            {
                "type": serializers.CharField(help_text="`invalid_request_error`."),
                "code": serializers.CharField(help_text="`batch_failed`."),
                "message": serializers.CharField(),
                "param": serializers.CharField(
                    allow_null=True, help_text="The first failing item: `transfers[i]`."
                ),
                "results": _BatchItem(
                    many=True,
                    required=False,
                    help_text="`batch_failed` only: every item's outcome.",
                ),
            },
        )
    },
)


class TransferBatchView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "transfers:write"}
    operations = {"POST": "create_transfer_batch"}
    approvable = True

    @extend_schema(
        operation_id="transfers_batch",
        request=TransferBatchSerializer,
        responses={200: _BatchResponse, 400: _BatchFailedResponse},
    )
    def post(self, request: Request) -> Response:
        return Response(transfer_batch_response(self.ctx, request.data)[1], status=200)


def transfer_batch_response(context, data: Any) -> tuple[int, dict[str, Any]]:
    """`POST /transfers/batch` from its body: (200, the batch representation); an atomic batch
    that was not applied raises `BatchFailed` (400, the items inside the envelope). Also the
    `create_transfer_batch` operation's executor (an approved batch runs again)."""
    batch = valid(TransferBatchSerializer, data).validated_data
    items = []
    for item in batch["transfers"]:
        serializer = TransferCreateSerializer(data=item)
        items.append(serializer.to_request() if serializer.is_valid() else serializer.errors)
    requests = [_BatchValidationError(item) if isinstance(item, dict) else item for item in items]
    applied, results = transfers.transfer_batch(
        context=context, requests=requests, atomic=batch["atomic"]
    )
    rendered = [
        {
            "index": result.index,
            "transfer": result.representation,
            "error": _error_of(result.error)["error"] if result.error else None,
        }
        for result in results
    ]
    if not applied:
        # One error shape (API.md §1): the atomic failure is the envelope, items inside it.
        first = next(item for item in rendered if item["error"] is not None)
        param = f"transfers[{first['index']}]"
        raise BatchFailed(
            f"The atomic batch was not applied: {param} failed ({first['error']['code']}).",
            param=param,
            extra={"results": rendered},
        )
    body = {
        "object": "transfer_batch",
        "atomic": batch["atomic"],
        "applied": applied,
        "results": rendered,
    }
    return 200, body


class _BatchValidationError(ApplicationError):
    """An item that failed input validation; rendered like the single-transfer 400."""

    def __init__(self, errors: dict) -> None:
        super().__init__("invalid transfer")
        self.body = validation_error_body(ValidationError(errors))


def _error_of(error: ApplicationError) -> dict:
    if isinstance(error, _BatchValidationError):
        return error.body
    return application_error_body(error)


class PayoutListView(ApiView):
    filterset_class = PayoutFilter
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "wallets:read", "POST": "payouts:write"}
    operations = {"GET": "list_payouts", "POST": "create_payout"}
    approvable = True

    @extend_schema(operation_id="payouts_list", responses=list_serializer(PayoutSerializer))
    def get(self, request: Request) -> Response:
        status = query_filters(request, PayoutFilter).get("status")
        payouts = selectors.payout_list(context=self.ctx, status=status)
        return Response(paginate(request, payouts, PayoutSerializer))

    @extend_schema(
        operation_id="payouts_create",
        request=PayoutCreateSerializer,
        responses={201: PayoutSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid(PayoutCreateSerializer, request.data).validated_data
        payout = payouts.payout_create(
            context=self.ctx,
            amount=data["amount"],
            currency=data["currency"],
            destination=data["destination"],
            wallet_id=data.get("wallet"),
            description=data.get("description"),
            metadata=data.get("metadata"),
        )
        return Response(PayoutSerializer(payout).data, status=201)


class PayoutDetailView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "wallets:read"}
    operations = {"GET": "get_payout"}

    @extend_schema(operation_id="payouts_retrieve", responses=PayoutSerializer)
    def get(self, request: Request, payout_id: str) -> Response:
        payout = selectors.payout_get(context=self.ctx, payout_id=payout_id)
        return Response(PayoutSerializer(payout).data)


class PayoutCancelView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"POST": "payouts:write"}
    operations = {"POST": "cancel_payout"}

    @extend_schema(operation_id="payouts_cancel", request=None, responses=PayoutSerializer)
    def post(self, request: Request, payout_id: str) -> Response:
        payout = payouts.payout_cancel(context=self.ctx, payout_id=payout_id)
        return Response(PayoutSerializer(payout).data)


class LedgerAccountListView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "wallets:read"}
    operations = {"GET": "list_ledger_accounts"}

    @extend_schema(
        operation_id="ledger_accounts_list", responses=list_serializer(LedgerAccountSerializer)
    )
    def get(self, request: Request) -> Response:
        accounts = selectors.ledger_account_list(context=self.ctx)
        return Response(paginate(request, accounts, LedgerAccountSerializer))


class LedgerAccountDetailView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "wallets:read"}
    operations = {"GET": "get_ledger_account"}

    @extend_schema(
        operation_id="ledger_accounts_retrieve",
        parameters=[OpenApiParameter("as_of", str, description="Unix seconds or RFC 3339")],
        responses=LedgerAccountSerializer,
    )
    def get(self, request: Request, account_id: str) -> Response:
        raw = request.query_params.get("as_of")
        as_of = parse_timestamp("as_of", raw) if raw is not None else None
        account = selectors.ledger_account_get(context=self.ctx, account_id=account_id)
        return Response(LedgerAccountSerializer(account, context={"as_of": as_of}).data)


class JournalEntryListView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "wallets:read"}
    operations = {"GET": "list_journal_entries"}

    @extend_schema(
        operation_id="ledger_entries_list",
        parameters=[
            OpenApiParameter(
                "reference", str, description="Only entries of this object (e.g. a payment id)."
            )
        ],
        responses=list_serializer(JournalEntrySerializer),
    )
    def get(self, request: Request) -> Response:
        entries = selectors.journal_entry_list(context=self.ctx)
        if reference := request.query_params.get("reference"):
            entries = entries.filter(reference_id=reference)
        return Response(paginate(request, entries, JournalEntrySerializer))


class JournalEntryDetailView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "wallets:read"}
    operations = {"GET": "get_journal_entry"}

    @extend_schema(operation_id="ledger_entries_retrieve", responses=JournalEntrySerializer)
    def get(self, request: Request, entry_id: str) -> Response:
        entry = selectors.journal_entry_get(context=self.ctx, entry_id=entry_id)
        return Response(JournalEntrySerializer(entry).data)


_TrialBalance = inline_serializer(
    "TrialBalance",
    {
        "object": serializers.CharField(help_text="Always `trial_balance`."),
        "balanced": serializers.BooleanField(),
        "currencies": inline_serializer(
            "TrialBalanceLine",
            {
                "currency": serializers.CharField(),
                "total_debits": serializers.IntegerField(),
                "total_credits": serializers.IntegerField(),
                "balanced": serializers.BooleanField(),
            },
            many=True,
        ),
    },
)


class TrialBalanceView(ApiView):
    permission_classes = [IsAuthenticatedActor, IsPlatformStaff]
    operations = {"GET": "get_trial_balance"}

    @extend_schema(operation_id="ledger_trial_balance", responses=_TrialBalance)
    def get(self, request: Request) -> Response:
        lines = selectors.trial_balance()
        return Response(
            {
                "object": "trial_balance",
                "balanced": all(line.balanced for line in lines),
                "currencies": [
                    {
                        "currency": line.currency,
                        "total_debits": line.total_debits,
                        "total_credits": line.total_credits,
                        "balanced": line.balanced,
                    }
                    for line in lines
                ],
            }
        )


_BalanceAmounts = inline_serializer(
    "BalanceAmount",
    {"amount": serializers.IntegerField(), "currency": serializers.CharField()},
    many=True,
)
_MerchantBalance = inline_serializer(
    "MerchantBalance",
    {
        "object": serializers.CharField(help_text="Always `balance`."),
        "available": _BalanceAmounts,
        "pending": inline_serializer(
            "PendingBalanceAmount",
            {"amount": serializers.IntegerField(), "currency": serializers.CharField()},
            many=True,
        ),
    },
)


class MerchantBalanceView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "payments:read"}
    operations = {"GET": "get_balance"}

    @extend_schema(operation_id="balance_retrieve", responses=_MerchantBalance)
    def get(self, request: Request) -> Response:
        balance = selectors.merchant_balance(context=self.ctx)
        return Response({"object": "balance", **balance})


class BalanceTransactionListView(ApiView):
    permission_classes = _PERMISSIONS
    required_scopes = {"GET": "payments:read"}
    operations = {"GET": "list_balance_transactions"}

    @extend_schema(
        operation_id="balance_transactions_list",
        responses=list_serializer(BalanceTransactionSerializer),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.merchant_balance_transactions(context=self.ctx)
        return Response(paginate(request, rows, BalanceTransactionSerializer))
