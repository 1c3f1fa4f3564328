"""Row locks for wallets and transfers, always taken in primary-key order."""

from django.db.models import QuerySet

from .models import Payout, Transfer, Wallet


def lock_wallets(queryset: QuerySet[Wallet], ids: list[str]) -> dict[str, Wallet]:
    rows = queryset.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    return {wallet.pk: wallet for wallet in rows}


def lock_transfer(queryset: QuerySet[Transfer], transfer_id: str) -> Transfer | None:
    return queryset.select_for_update(of=("self",)).filter(pk=transfer_id).first()


def lock_payout(queryset: QuerySet[Payout], payout_id: str) -> Payout | None:
    return queryset.select_for_update(of=("self",)).filter(pk=payout_id).first()
