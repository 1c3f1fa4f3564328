import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mcp_payments.api.errors import ApplicationError
from mcp_payments.events.dead_letters import (
    dead_letter_list,
    dead_letter_purge,
    dead_letter_replay,
)


class Command(BaseCommand):
    help = "Dead letters of the events queues: list, replay or purge."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser(
            "list",
            help="Print a header with the count (stderr), then dead letters as JSON lines "
            "(stdout), newest first.",
        )
        listing.add_argument("--queue")
        listing.add_argument("--status", choices=["pending", "replayed"], default="pending")
        listing.add_argument("--limit", type=int, default=100)
        replay = sub.add_parser("replay", help="Republish pending dead letters to their queue.")
        target = replay.add_mutually_exclusive_group(required=True)
        target.add_argument("--all", action="store_true")
        target.add_argument("--queue")
        target.add_argument("--id", action="append", dest="ids")
        purge = sub.add_parser("purge", help="Discard pending dead letters (rows and DLQ).")
        purge_target = purge.add_mutually_exclusive_group(required=True)
        purge_target.add_argument("--all", action="store_true")
        purge_target.add_argument("--queue")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None

    def _list(self, *, queue: str | None, status: str, limit: int, **_: Any) -> None:
        letters = dead_letter_list(queue=queue, status=status)
        count = letters.count()
        shown = f", showing the newest {limit}" if count > limit else ""
        # The header goes to stderr so stdout stays one JSON object per line.
        self.stderr.write(
            f"Dead letters ({status}, {'queue ' + queue if queue else 'all queues'}): "
            f"{count}{shown}"
        )
        for letter in letters.order_by("-id")[:limit]:
            row = {
                "id": letter.id,
                "queue": letter.queue,
                "event": letter.event_id,
                "type": letter.event_type,
                "subscriber": letter.subscriber,
                "attempts": letter.attempts,
                "error": letter.error,
                "created": letter.created.isoformat(),
                "replayed_at": letter.replayed_at.isoformat() if letter.replayed_at else None,
            }
            self.stdout.write(json.dumps(row))

    def _replay(self, *, all: bool, queue: str | None, ids: list[str] | None, **_: Any) -> None:
        replayed = dead_letter_replay(ids=ids, queue=queue, all=all)
        self.stdout.write(json.dumps({"replayed": len(replayed), "dead_letters": replayed}))

    def _purge(self, *, all: bool, queue: str | None, **_: Any) -> None:
        deleted = dead_letter_purge(queue=None if all else queue)
        self.stdout.write(json.dumps({"purged": deleted}))
