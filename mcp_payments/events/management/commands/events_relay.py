import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from mcp_payments.events.relay import Relay


class Command(BaseCommand):
    help = (
        "Publish committed outbox events to RabbitMQ (runs until SIGTERM/SIGINT). "
        "Several relays may run at once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=settings.EVENTS_RELAY_BATCH_SIZE)
        parser.add_argument(
            "--poll-ms",
            type=int,
            default=settings.EVENTS_RELAY_POLL_MS,
            help="Sweep at least this often even without a NOTIFY.",
        )

    def handle(self, *args: Any, batch_size: int, poll_ms: int, **options: Any) -> None:
        relay = Relay(batch_size=batch_size, poll_seconds=poll_ms / 1000)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: relay.stop())
        self.stderr.write(f"events relay started (batch {batch_size}, poll {poll_ms} ms)")
        relay.run()
        self.stderr.write("events relay stopped")
