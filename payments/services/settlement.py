"""Settlement: captured funds move from the merchant's pending balance to available once the
merchant's settlement delay has passed (beat job, a batch of entries in one round trip). Emits
`payment.settled` for each payment settled."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mcp_payments.events.services import emit_many
from payments.enums import PaymentStatus
from payments.fees import pricing_for
from payments.ledger_entries import settlement_entry
from payments.models import Payment
from wallets.ledger import ledger_error, post_entries


def payments_settle(*, limit: int = 500) -> int:
    """Settle due payments; returns how many. Top-ups (credited to wallets) have nothing to
    settle. Rows another worker holds are skipped."""
    now = timezone.now()
    with transaction.atomic():
        candidates = list(
            Payment.objects.select_for_update(skip_locked=True)
            .filter(
                settled_at__isnull=True,
                captured_at__isnull=False,
                wallet_id__isnull=True,
                status=PaymentStatus.SUCCEEDED,
            )
            .order_by("captured_at")[:limit]
        )
        due = [
            payment
            for payment in candidates
            if payment.captured_at
            + timedelta(
                seconds=pricing_for(payment.merchant_id, payment.currency).settlement_delay_seconds
            )
            <= now
        ]
        entries = [settlement_entry(payment) for payment in due if payment.net > 0]
        for error in post_entries(entries):
            if error is not None:
                raise ledger_error(error)
        Payment.objects.filter(pk__in=[payment.pk for payment in due]).update(settled_at=now)
        for payment in due:
            payment.settled_at = now
        if due:
            # Every money movement has its event: one `payment.settled` per settled payment,
            # in the settlement's transaction (one statement for the batch).
            emit_many([("payment.settled", payment) for payment in due])
        return len(due)
