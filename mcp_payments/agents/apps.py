from django.apps import AppConfig


class AgentsConfig(AppConfig):
    """Agent safety: spend limits and staff approvals of AI agents' money-moving calls."""

    name = "mcp_payments.agents"
    label = "agents"
    verbose_name = "Agent safety"

    def ready(self) -> None:
        from mcp_payments.events.representations import register_representation

        from .models import AgentApproval
        from .representations import AgentApprovalSerializer

        register_representation(AgentApproval, AgentApprovalSerializer)
