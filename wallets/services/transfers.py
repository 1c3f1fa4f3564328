"""Transfers between wallets: immediate, held (pending → posted or voided or expired), and
batches. Each public function is one transaction; the ledger entry, the transfer row, its events
and its audit rows commit together or not at all."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.agents.enforcement import policy_enforce, policy_enforce_totals
from mcp_payments.agents.planning import service_transaction
from mcp_payments.api.errors import ApplicationError
from mcp_payments.audit.records import AuditAction, audit_record, audit_record_many
from mcp_payments.events.services import emit, emit_many
from wallets.enums import PostingType, TransferStatus
from wallets.exceptions import (
    AmountExceedsHold,
    CurrencyMismatch,
    FeeExceedsAmount,
    SameWallet,
    TransferNotFound,
    TransferNotPending,
    WalletNotFound,
)
from wallets.ledger import Entry, Leg, ledger_error, platform_account, post_entries, post_entry
from wallets.locks import lock_transfer
from wallets.models import Transfer, Wallet


@dataclass
class TransferRequest:
    source_wallet: str
    destination_wallet: str
    amount: int
    currency: str
    description: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    pending: bool = False
    hold_expires_in: int | None = None
    application_fee_amount: int = 0


def _legs(
    source: Wallet, destination: Wallet, amount: int, fee: int, currency: str, type: str
) -> list[Leg]:
    legs = [
        Leg(source.account_id, amount, currency, type),
        Leg(destination.account_id, -(amount - fee), currency, type),
    ]
    if fee:
        legs.append(Leg(platform_account("platform_fees", currency).id, -fee, currency, type))
    return legs


def _release(legs: list[Leg]) -> list[Leg]:
    return [Leg(leg.account_id, -leg.amount, leg.currency, PostingType.RELEASE) for leg in legs]


def _load_wallets(context: AuthContext, ids: set[str]) -> dict[str, Wallet]:
    return {
        wallet.pk: wallet for wallet in Wallet.objects.filter(merchant=context.merchant, pk__in=ids)
    }


def _prepare(
    context: AuthContext, request: TransferRequest, wallets: dict[str, Wallet], now
) -> tuple[Transfer, Entry]:
    """Validate one request against its wallets; the transfer row and entry to write."""
    if request.source_wallet == request.destination_wallet:
        raise SameWallet(param="destination_wallet")
    source = wallets.get(request.source_wallet)
    if source is None:
        raise WalletNotFound(f"No such wallet: '{request.source_wallet}'", param="source_wallet")
    destination = wallets.get(request.destination_wallet)
    if destination is None:
        raise WalletNotFound(
            f"No such wallet: '{request.destination_wallet}'", param="destination_wallet"
        )
    if not (source.currency == destination.currency == request.currency):
        raise CurrencyMismatch(
            f"Transfer currency {request.currency} must match both wallets "
            f"({source.currency} → {destination.currency}).",
            param="currency",
        )
    if request.application_fee_amount > request.amount:
        raise FeeExceedsAmount(param="application_fee_amount")
    pending = request.pending
    expires_in = request.hold_expires_in or settings.TRANSFER_HOLD_DEFAULT_SECONDS
    transfer = Transfer(
        merchant=context.merchant,
        source_wallet=source,
        destination_wallet=destination,
        amount=request.amount,
        amount_posted=0 if pending else request.amount,
        application_fee_amount=request.application_fee_amount,
        currency=request.currency,
        status=TransferStatus.PENDING if pending else TransferStatus.POSTED,
        description=request.description,
        metadata=request.metadata,
        hold_expires_at=now + timedelta(seconds=expires_in) if pending else None,
        created=now,
        updated=now,
    )
    entry = Entry(
        kind="transfer_hold" if pending else "transfer",
        legs=_legs(
            source,
            destination,
            request.amount,
            request.application_fee_amount,
            request.currency,
            PostingType.PENDING if pending else PostingType.POSTED,
        ),
        merchant_id=context.merchant.id,
        description=request.description or "",
        reference_id=transfer.id,
    )
    if pending:
        transfer.pending_entry_id = entry.id
    else:
        transfer.final_entry_id = entry.id
    return transfer, entry


def _events(transfer: Transfer) -> list[tuple[str, Transfer]]:
    created = [("transfer.created", transfer)]
    return (
        created
        if transfer.status == TransferStatus.PENDING
        else [*created, ("transfer.posted", transfer)]
    )


def _audit(transfer: Transfer, action: str) -> AuditAction:
    return AuditAction(
        action=action,
        object_type="transfer",
        object_id=transfer.id,
        merchant_id=transfer.merchant_id,
        after={
            "status": transfer.status,
            "amount": transfer.amount,
            "amount_posted": transfer.amount_posted,
            "currency": transfer.currency,
            "source_wallet": transfer.source_wallet_id,
            "destination_wallet": transfer.destination_wallet_id,
        },
    )


def transfer_create(*, context: AuthContext, request: TransferRequest) -> Transfer:
    """Move funds between two of the merchant's wallets now, or hold them (`pending`).

    Insufficient funds (available = posted - held) → 409 `insufficient_funds`; a frozen source →
    409 `wallet_frozen`; nothing is written on refusal. Emits `transfer.created` (and
    `transfer.posted` when immediate); audited."""
    if context.merchant is None:
        raise MerchantRequired()
    wallets = _load_wallets(context, {request.source_wallet, request.destination_wallet})
    with service_transaction():
        policy_enforce(
            context=context,
            operation="create_transfer",
            amount=request.amount,
            currency=request.currency,
        )
        transfer, entry = _prepare(context, request, wallets, timezone.now())
        post_entry(entry)
        transfer.save(force_insert=True)
        emit_many(_events(transfer))
        audit_record_many(context=context, actions=[_audit(transfer, "transfer.created")])
        return transfer


@dataclass(frozen=True)
class BatchResult:
    index: int
    transfer: Transfer | None
    error: ApplicationError | None
    # The transfer's API representation, as its events carry it (built once per transfer).
    representation: dict | None = None


def transfer_batch(
    *,
    context: AuthContext,
    requests: list[TransferRequest | ApplicationError],
    atomic: bool,
) -> tuple[bool, list[BatchResult]]:
    """Up to 1000 transfers in one transaction and a handful of round trips.

    Items that already failed validation arrive as errors. Independent mode applies every item
    that can be applied; atomic mode applies all or nothing. Returns (applied, results)."""
    if context.merchant is None:
        raise MerchantRequired()
    ids = {
        wallet_id
        for request in requests
        if isinstance(request, TransferRequest)
        for wallet_id in (request.source_wallet, request.destination_wallet)
    }
    wallets = _load_wallets(context, ids)
    now = timezone.now()
    errors: dict[int, ApplicationError] = {}
    prepared: list[tuple[int, Transfer, Entry]] = []
    for index, request in enumerate(requests):
        if isinstance(request, ApplicationError):
            errors[index] = request
            continue
        try:
            transfer, entry = _prepare(context, request, wallets, now)
        except ApplicationError as exc:
            errors[index] = exc
        else:
            prepared.append((index, transfer, entry))
    if atomic and errors:
        return False, _results(len(requests), {}, errors)

    with service_transaction():
        # One call: the policy sees the batch's total per currency, reserved once.
        policy_enforce_totals(
            context=context,
            operation="create_transfer_batch",
            totals=_totals(request for _, request, _ in prepared),
        )
        outcomes = post_entries([entry for _, _, entry in prepared]) if prepared else []
        applied: dict[int, Transfer] = {}
        for (index, transfer, _), error in zip(prepared, outcomes, strict=True):
            if error is None:
                applied[index] = transfer
            else:
                errors[index] = ledger_error(error)
        if atomic and errors:
            transaction.set_rollback(True)
            return False, _results(len(requests), {}, errors)
        transfers = list(applied.values())
        Transfer.objects.bulk_create(transfers)
        events = emit_many([change for transfer in transfers for change in _events(transfer)])
        audit_record_many(
            context=context,
            actions=[_audit(transfer, "transfer.created") for transfer in transfers],
        )
    representations = {event.object_id: event.data["object"] for event in events}
    return True, _results(len(requests), applied, errors, representations)


def _totals(transfers) -> dict[str, int]:
    totals: dict[str, int] = {}
    for transfer in transfers:
        totals[transfer.currency] = totals.get(transfer.currency, 0) + transfer.amount
    return totals


def _results(
    count: int,
    applied: dict[int, Transfer],
    errors: dict[int, ApplicationError],
    representations: dict[str, dict] | None = None,
) -> list[BatchResult]:
    representations = representations or {}
    return [
        BatchResult(
            index,
            applied.get(index),
            errors.get(index),
            representations.get(applied[index].id) if index in applied else None,
        )
        for index in range(count)
    ]


def _locked_pending(context: AuthContext | None, transfer_id: str) -> Transfer:
    transfers = Transfer.objects.select_related("source_wallet", "destination_wallet")
    if context is not None and context.merchant is not None:
        transfers = transfers.filter(merchant=context.merchant)
    elif context is not None and not context.is_platform_staff:
        transfers = transfers.none()
    transfer = lock_transfer(transfers, transfer_id)
    if transfer is None:
        raise TransferNotFound(f"No such transfer: '{transfer_id}'", param="id")
    if transfer.status != TransferStatus.PENDING:
        raise TransferNotPending(f"This transfer is {transfer.status}, not pending.")
    return transfer


def _hold_legs(transfer: Transfer) -> list[Leg]:
    return _legs(
        transfer.source_wallet,
        transfer.destination_wallet,
        transfer.amount,
        transfer.application_fee_amount,
        transfer.currency,
        PostingType.PENDING,
    )


def transfer_post(*, context: AuthContext, transfer_id: str, amount: int | None = None) -> Transfer:
    """Settle a hold for its amount or less (the rest is released). Posting more than held → 400;
    posting a transfer that is not pending → 409. Emits `transfer.posted`; audited."""
    with service_transaction():
        policy_enforce(context=context, operation="post_transfer")
        transfer = _locked_pending(context, transfer_id)
        amount = transfer.amount if amount is None else amount
        if amount > transfer.amount:
            raise AmountExceedsHold(
                f"Cannot post {amount}: only {transfer.amount} is held.", param="amount"
            )
        if transfer.application_fee_amount > amount:
            raise FeeExceedsAmount(param="amount")
        legs = _release(_hold_legs(transfer)) + _legs(
            transfer.source_wallet,
            transfer.destination_wallet,
            amount,
            transfer.application_fee_amount,
            transfer.currency,
            PostingType.POSTED,
        )
        entry = Entry(
            kind="transfer_post",
            legs=legs,
            merchant_id=transfer.merchant_id,
            reference_id=transfer.id,
        )
        post_entry(entry)
        transfer.status = TransferStatus.POSTED
        transfer.amount_posted = amount
        transfer.final_entry_id = entry.id
        transfer.updated = timezone.now()
        transfer.save(update_fields=["status", "amount_posted", "final_entry", "updated"])
        emit("transfer.posted", transfer)
        audit_record_many(context=context, actions=[_audit(transfer, "transfer.posted")])
        return transfer


def _void(context: AuthContext | None, transfer: Transfer, kind: str) -> Transfer:
    entry = Entry(
        kind=kind,
        legs=_release(_hold_legs(transfer)),
        merchant_id=transfer.merchant_id,
        reference_id=transfer.id,
    )
    post_entry(entry)
    transfer.status = TransferStatus.VOIDED
    transfer.final_entry_id = entry.id
    transfer.updated = timezone.now()
    transfer.save(update_fields=["status", "final_entry", "updated"])
    emit("transfer.voided", transfer)
    audit_record(
        context=context,
        action="transfer.voided" if kind == "transfer_void" else "transfer.expired",
        object_type="transfer",
        object_id=transfer.id,
        merchant_id=transfer.merchant_id,
        before={"status": TransferStatus.PENDING},
        after={"status": TransferStatus.VOIDED},
    )
    return transfer


def transfer_void(*, context: AuthContext, transfer_id: str) -> Transfer:
    """Release a hold in full. Voiding a transfer that is not pending → 409."""
    with service_transaction():
        policy_enforce(context=context, operation="void_transfer")
        return _void(context, _locked_pending(context, transfer_id), "transfer_void")


def transfer_expire_holds(*, limit: int = 500) -> int:
    """Void holds past `hold_expires_at` (beat job). Skips rows another worker holds; returns how
    many expired."""
    expired = 0
    with service_transaction():
        due = list(
            Transfer.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("source_wallet", "destination_wallet")
            .filter(status=TransferStatus.PENDING, hold_expires_at__lte=timezone.now())
            .order_by("pk")[:limit]
        )
        for transfer in due:
            _void(None, transfer, "transfer_expire")
            expired += 1
    return expired
