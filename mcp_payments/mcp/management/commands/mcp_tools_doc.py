"""`python manage.py mcp_tools_doc`: the markdown table of MCP tools that docs/mcp.md contains
(a test fails when the two differ)."""

from django.core.management.base import BaseCommand

from mcp_payments.mcp.docs import tools_markdown


class Command(BaseCommand):
    help = "Print the markdown table of MCP tools, resources and prompts for docs/mcp.md."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(tools_markdown(), ending="")
