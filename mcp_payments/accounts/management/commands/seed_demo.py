import json

from django.core.management.base import BaseCommand, CommandParser

from mcp_payments.accounts.demo import demo_merchant_ensure, demo_staff_ensure


class Command(BaseCommand):
    help = (
        "Create or reuse the demo merchant and the back office's staff user; print the API key,"
        " the merchant's dashboard login and the staff login as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="Demo Merchant")

    def handle(self, *args, name: str, **options) -> None:
        printed = demo_merchant_ensure(name=name)
        printed.update(demo_staff_ensure())
        self.stdout.write(json.dumps(printed))
