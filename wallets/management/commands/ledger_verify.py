import json

from django.core.management.base import BaseCommand

from wallets.selectors import ledger_mismatches, trial_balance, unbalanced_entries


class Command(BaseCommand):
    help = (
        "Recompute every balance from the postings, check every entry and the trial balance per "
        "currency; print one JSON report and exit 1 on any difference."
    )

    def handle(self, *args, **options) -> None:
        mismatches = ledger_mismatches()
        unbalanced = unbalanced_entries()
        lines = trial_balance()
        ok = not mismatches and not unbalanced and all(line.balanced for line in lines)
        report = {
            "ok": ok,
            "balance_mismatches": [
                {
                    "account": m.account_id,
                    "materialized": list(m.materialized),
                    "from_postings": list(m.from_postings),
                }
                for m in mismatches
            ],
            "unbalanced_entries": unbalanced,
            "trial_balance": [
                {
                    "currency": line.currency,
                    "total_debits": line.total_debits,
                    "total_credits": line.total_credits,
                    "balanced": line.balanced,
                }
                for line in lines
            ],
        }
        self.stdout.write(json.dumps(report))
        if not ok:
            raise SystemExit(1)
