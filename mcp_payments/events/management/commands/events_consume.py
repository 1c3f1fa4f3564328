import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mcp_payments.events.consumer import build_consumer
from mcp_payments.events.subscribers import DOMAINS


class Command(BaseCommand):
    help = (
        "Consume a subscriber domain's events queue (or all of them) and run its handlers. "
        "Runs until SIGTERM/SIGINT; start several to scale a domain."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--domain", action="append", choices=DOMAINS, default=[])
        parser.add_argument("--all", action="store_true", help="Consume every domain's queue.")
        parser.add_argument("--prefetch", type=int, default=settings.EVENTS_CONSUMER_PREFETCH)
        parser.add_argument(
            "--batch-size",
            type=int,
            default=settings.EVENTS_CONSUMER_BATCH_SIZE,
            help="Most messages processed in one transaction (at most the prefetch).",
        )

    def handle(
        self, *args: Any, domain: list[str], all: bool, prefetch: int, batch_size: int, **kw: Any
    ) -> None:
        domains = list(DOMAINS) if all else domain
        if not domains:
            raise CommandError("Give --domain <name> (repeatable) or --all.")
        consumer = build_consumer(domains=domains, prefetch=prefetch, batch_size=batch_size)

        def stop(*_: Any) -> None:
            consumer.should_stop = True

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, stop)
        self.stderr.write(f"events consumer started: {', '.join(domains)}")
        consumer.run()
        self.stderr.write("events consumer stopped")
