import json

from django.core.management.base import BaseCommand, CommandParser

from mcp_payments.accounts.demo import demo_merchant_ensure


class Command(BaseCommand):
    help = "Create or reuse the demo merchant; print its API key and dashboard login as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="Demo Merchant")

    def handle(self, *args, name: str, **options) -> None:
        self.stdout.write(json.dumps(demo_merchant_ensure(name=name)))
