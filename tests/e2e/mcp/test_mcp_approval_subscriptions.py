"""`approvals://{id}` subscriptions over the real stdio transport (`manage.py mcp_stdio`, driven
by the SDK's stdio client in the handshake era, where `resources/subscribe` lives): a decision
made through the approval service reaches the subscribed agent as
`notifications/resources/updated`; an unsubscribed approval stays silent; another merchant's
approval cannot be subscribed to."""

import sys
import time

import anyio
import mcp_types as types
import pytest
from django.db import connection
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from mcp_payments.accounts.selectors import api_key_context, user_context
from mcp_payments.accounts.services import AgentPolicy, api_key_create
from mcp_payments.agents.models import AgentApproval
from mcp_payments.agents.services.approvals import approval_approve, approval_reject
from mcp_payments.mcp.execution import run_tool
from mcp_payments.mcp.subscriptions import POLL_SECONDS
from tests.fixtures.factories import MembershipFactory
from tests.fixtures.ledger import funded_transfer_arguments
from tests.fixtures.mcp import REPO_ROOT, server_env

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # resources/subscribe is the handshake era's; the SDK marks it deprecated for 2026-07-28.
    pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning"),
]

NOTIFIED_WITHIN_SECONDS = 5


def agent_secret(merchant) -> str:
    return api_key_create(
        merchant=merchant, scopes="*", policy=AgentPolicy(approval_above=100), context=None
    ).secret


def pending_approvals(merchant, secret: str, count: int) -> list[str]:
    """`count` transfers above the key's approval_above: each waits in its own approval."""
    ids = []
    for _ in range(count):
        arguments = funded_transfer_arguments(merchant, 500)
        outcome = run_tool(
            context=api_key_context(secret), name="create_transfer", arguments=arguments
        )
        assert outcome.status == "pending_approval"
        ids.append(outcome.body["approval"])
    return ids


def stdio_params(secret: str) -> StdioServerParameters:
    env = {key: value for key, value in server_env(0).items() if key != "MCP_RESOURCE_URL"}
    return StdioServerParameters(
        command=sys.executable,
        args=["manage.py", "mcp_stdio", "--api-key", secret],
        env=env,
        cwd=REPO_ROOT,
    )


def test_a_subscribed_approval_notifies_its_decision_and_only_while_subscribed(
    merchant, other_merchant, tmp_path
):
    secret = agent_secret(merchant)
    watched, dropped = pending_approvals(merchant, secret, 2)
    [foreign] = pending_approvals(other_merchant, agent_secret(other_merchant), 1)
    decider = user_context(MembershipFactory(merchant=merchant, role="admin").user)
    connection.close()  # the server process and the decision thread use their own connections

    def decide() -> None:
        try:
            approval_approve(context=decider, approval_id=watched)
            approval_reject(context=decider, approval_id=dropped)
        finally:
            connection.close()

    updates: list[tuple[str, float]] = []

    async def on_message(message) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            updates.append((str(message.params.uri), time.monotonic()))

    async def agent():
        with (tmp_path / "stderr.log").open("w") as errlog:
            transport = stdio_client(stdio_params(secret), errlog=errlog)
            async with Client(transport, mode="legacy", message_handler=on_message) as client:
                capabilities = client.server_capabilities
                await client.subscribe_resource(f"approvals://{watched}")
                await client.subscribe_resource(f"approvals://{dropped}")
                await client.unsubscribe_resource(f"approvals://{dropped}")
                with pytest.raises(MCPError) as refused:
                    await client.subscribe_resource(f"approvals://{foreign}")
                with pytest.raises(MCPError) as not_an_approval:
                    await client.subscribe_resource("customers://cus_1")
                decided_at = time.monotonic()
                await anyio.to_thread.run_sync(decide)
                with anyio.fail_after(NOTIFIED_WITHIN_SECONDS):
                    while not updates:
                        await anyio.sleep(0.05)
                # Long enough for the watcher of `watched` to see `executed`, and for any
                # watcher of `dropped` (there must be none) to have noticed `rejected`.
                await anyio.sleep(3 * POLL_SECONDS)
                read = await client.read_resource(f"approvals://{watched}")
                return capabilities, decided_at, refused.value, not_an_approval.value, read

    capabilities, decided_at, refused, not_an_approval, read = anyio.run(agent)

    assert capabilities.resources.subscribe is True
    assert {uri for uri, _ in updates} == {f"approvals://{watched}"}
    assert updates[0][1] - decided_at < NOTIFIED_WITHIN_SECONDS
    assert (refused.error.code, refused.error.message) == (
        types.INVALID_PARAMS,
        f"No such agent approval: '{foreign}'",
    )
    assert (not_an_approval.error.code, not_an_approval.error.message) == (
        types.INVALID_PARAMS,
        "Subscriptions are offered on approvals://{id} only.",
    )
    assert '"status": "executed"' in read.contents[0].text
    assert AgentApproval.objects.get(pk=foreign).status == "pending"
