"""`manage.py analytics_rebuild --since YYYY-MM-DD`: recompute the rollups from the source tables
(set-based) for every bucket from that UTC day on."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from analytics.reconciliation import rollups_rebuild


class Command(BaseCommand):
    help = "Rebuild the analytics rollups from the source tables since a UTC day."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--since", required=True, help="First UTC day to rebuild (YYYY-MM-DD)")

    def handle(self, *args, **options) -> None:
        try:
            since = date.fromisoformat(options["since"])
        except ValueError as exc:
            raise CommandError("--since must be a date (YYYY-MM-DD)") from exc
        rows = rollups_rebuild(since=since)
        self.stdout.write(f"rebuilt {rows} rollup rows since {since.isoformat()}")
