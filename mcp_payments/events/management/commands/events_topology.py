from typing import Any

from django.core.management.base import BaseCommand

from mcp_payments.events.subscribers import DOMAINS, bindings_for
from mcp_payments.events.topology import (
    broker_connection,
    dead_letter_exchange,
    declare_topology,
    domain_queues,
    events_exchange,
)


class Command(BaseCommand):
    help = (
        "Declare the events exchanges, queues and bindings (idempotent) and print them; "
        "--delete removes them instead (scratch namespaces of tests and benchmarks)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--delete", action="store_true")

    def handle(self, *args: Any, delete: bool, **options: Any) -> None:
        with broker_connection() as broker:
            channel = broker.default_channel
            if delete:
                for domain in DOMAINS:
                    for queue in domain_queues(domain):
                        queue(channel).delete()
                events_exchange()(channel).delete()
                dead_letter_exchange()(channel).delete()
                self.stdout.write("deleted")
                return
            declare_topology(channel)
        for domain in DOMAINS:
            names = ", ".join(queue.name for queue in domain_queues(domain))
            patterns = ", ".join(bindings_for(domain)) or "(no subscribers)"
            self.stdout.write(f"{domain}: {names}\n  bound by {patterns}")
