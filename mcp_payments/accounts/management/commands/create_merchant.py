import json

from django.core.management.base import BaseCommand, CommandParser

from mcp_payments.accounts.services import merchant_create
from mcp_payments.api.errors import ApplicationError


class Command(BaseCommand):
    help = "Create a merchant, its dashboard admin user and a sandbox key; print them as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--email", default="")
        parser.add_argument("--scopes", default="*", help='Space-separated scopes, or "*".')

    def handle(self, *args, name: str, email: str, scopes: str, **options) -> None:
        try:
            created = merchant_create(name=name, email=email, scopes=scopes)
        except ApplicationError as exc:
            self.stderr.write(exc.message)
            raise SystemExit(2) from None
        self.stdout.write(
            json.dumps(
                {
                    "merchant": created.merchant.id,
                    "api_key": created.api_key.secret,
                    "username": created.user.get_username(),
                    "password": created.password,
                }
            )
        )
