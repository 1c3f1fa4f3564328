"""`python manage.py mcp_stdio --api-key sk_…`: serve MCP over stdin/stdout (Claude Desktop,
Cursor and other clients that launch their servers). The key may also come from the
MCP_PAYMENTS_API_KEY environment variable, which keeps it out of process listings."""

import os

import anyio
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mcp_payments.accounts.selectors import api_key_context
from mcp_payments.mcp.server import serve_stdio

ENV_KEY = "MCP_PAYMENTS_API_KEY"


class Command(BaseCommand):
    help = "Serve the MCP tools over stdio as one API key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--api-key", default=os.environ.get(ENV_KEY), help=f"sk_… (default: ${ENV_KEY})"
        )

    def handle(self, *args: object, api_key: str | None, **options: object) -> None:
        if not api_key:
            raise CommandError(f"Give --api-key sk_… or set {ENV_KEY}.")
        if api_key_context(api_key) is None:
            raise CommandError("Invalid, revoked or expired API key.")
        # stdout carries the protocol: nothing else may be printed there.
        anyio.run(serve_stdio, api_key)
