from django.apps import AppConfig


class McpConfig(AppConfig):
    """The MCP interface: server assembly, transports, tool registry (no models)."""

    name = "mcp_payments.mcp"
    label = "mcp_server"
    verbose_name = "MCP server"

    def ready(self) -> None:
        from .execution import register_money_tools

        register_money_tools()
