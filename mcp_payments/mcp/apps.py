from django.apps import AppConfig


class McpConfig(AppConfig):
    """The MCP interface: server assembly, transports, tool registry (no models)."""

    name = "mcp_payments.mcp"
    label = "mcp_server"
    verbose_name = "MCP server"

    def ready(self) -> None:
        from mcp_payments.agents.services.approvals import register_executor

        from .execution import execute_approved

        register_executor(execute_approved)
