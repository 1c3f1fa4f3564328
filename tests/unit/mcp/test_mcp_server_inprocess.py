"""The server's handlers through the SDK's in-process client (no HTTP): listings per caller,
resources, prompts, the token verifier and the stdio command's refusals."""

import anyio
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from mcp.client import Client
from mcp.shared.exceptions import MCPError
from mcp.shared.subscriptions import ResourceUpdated
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from mcp_payments.accounts.selectors import user_context
from mcp_payments.agents.services.approvals import approval_approve
from mcp_payments.mcp.auth import ApiTokenVerifier, CallerToken
from mcp_payments.mcp.execution import run_tool
from mcp_payments.mcp.server import build_server
from mcp_payments.mcp.subscriptions import STATELESS_MESSAGE
from tests.conftest import jwt_for
from tests.fixtures.factories import CustomerFactory, MembershipFactory
from tests.fixtures.ledger import funded_transfer_arguments

pytestmark = pytest.mark.django_db(transaction=True)


def serve(context):
    async def resolve(ctx):
        return context

    return build_server(resolve)


def run(context, scenario):
    async def main():
        async with Client(serve(context)) as client:
            return await scenario(client)

    return anyio.run(main)


def test_tools_resources_and_prompts_follow_the_caller(merchant, agent):
    customer = CustomerFactory(merchant=merchant, name="Ada")

    async def scenario(client):
        return (
            await client.list_tools(),
            await client.list_resources(),
            await client.list_resource_templates(),
            await client.read_resource(f"customers://{customer.id}"),
            await client.list_prompts(),
        )

    tools, resources, templates, read, prompts = run(agent(merchant, "customers:read"), scenario)

    assert [tool.name for tool in tools.tools] == ["get_customer", "list_customers", "get_approval"]
    assert resources.resources == []
    assert [template.uri_template for template in templates.resource_templates] == [
        "customers://{id}",
        "approvals://{id}",  # every caller reads its own approvals
    ]
    assert '"name": "Ada"' in read.contents[0].text
    assert [(p.name, [a.name for a in p.arguments]) for p in prompts.prompts] == [
        ("investigate_payment", ["payment"]),
        ("daily_revenue_brief", ["date"]),
    ]


def test_resource_errors_are_protocol_errors(merchant, agent):
    async def scenario(client):
        errors = []
        for uri in ("customers://cus_missing", "orders://ord_1", "customers://"):
            with pytest.raises(MCPError) as caught:
                await client.read_resource(uri)
            errors.append((caught.value.error.code, caught.value.error.message))
        return errors

    errors = run(agent(merchant, "customers:read"), scenario)

    assert errors == [
        (-32602, "No such customer: 'cus_missing'"),
        (-32602, "Unknown resource: orders://ord_1"),
        (-32602, "Unknown resource: customers://"),
    ]


def test_a_resource_without_its_scope_is_refused(merchant, agent):
    customer = CustomerFactory(merchant=merchant)

    async def scenario(client):
        templates = await client.list_resource_templates()
        with pytest.raises(MCPError) as caught:
            await client.read_resource(f"customers://{customer.id}")
        return templates, caught.value.error.message

    templates, message = run(agent(merchant, "events:read"), scenario)

    assert [template.uri_template for template in templates.resource_templates] == [
        "approvals://{id}"
    ]
    assert message == "This tool needs the 'customers:read' scope."


def test_investigate_payment_names_the_callers_tools_in_order(merchant, agent):
    async def scenario(client):
        return await client.get_prompt("investigate_payment", {"payment": "pay_1"})

    prompt = run(agent(merchant), scenario)

    tools = ["get_payment", "list_risk_rules", "list_events", "list_refunds", "list_disputes"]
    tools += ["get_customer", "get_balance"]
    steps = prompt.messages[0].content.text.split("\n\n", 1)[1].splitlines()
    assert [next(tool for tool in tools if tool in step) for step in steps[:-1]] == tools
    assert [step[:3] for step in steps] == [f"{n}. " for n in range(1, 9)]
    assert steps[-1].startswith("8. Report:")
    assert "top_features" in steps[0]


def test_a_prompt_leaves_out_the_tools_the_caller_cannot_call(merchant, agent):
    async def scenario(client):
        return await client.get_prompt("investigate_payment", {"payment": "pay_1"})

    text = run(agent(merchant, "events:read"), scenario).messages[0].content.text

    steps = text.split("\n\n", 1)[1].splitlines()
    assert len(steps) == 2
    assert steps[0].startswith("1. Call list_events with type='payment.*'")
    assert steps[1].startswith("2. Report:")


def test_daily_revenue_brief_covers_one_utc_day(merchant, agent):
    async def scenario(client):
        return await client.get_prompt("daily_revenue_brief", {"date": "2026-03-01"})

    text = run(agent(merchant), scenario).messages[0].content.text

    assert text.startswith("Daily revenue brief for 2026-03-01 (UTC)")
    assert "created_gte='2026-03-01T00:00:00Z' and created_lt='2026-03-02T00:00:00Z'" in text
    assert "type='payment.succeeded'" in text


def test_prompt_argument_errors(merchant, agent):
    async def scenario(client):
        messages = []
        for name, arguments in (
            ("investigate_payment", {}),
            ("investigate_payment", {"payment": "pay_1", "other": "x"}),
            ("daily_revenue_brief", {"date": "yesterday"}),
            ("no_such_prompt", {}),
        ):
            with pytest.raises(MCPError) as caught:
                await client.get_prompt(name, arguments)
            messages.append(caught.value.error.message)
        return messages

    assert run(agent(merchant), scenario) == [
        "Prompt investigate_payment: missing payment.",
        "Prompt investigate_payment: unknown argument other.",
        "Invalid isoformat string: 'yesterday'",
        "Unknown prompt: no_such_prompt",
    ]


def test_a_request_without_a_caller_is_refused():
    async def scenario(client):
        with pytest.raises(MCPError) as caught:
            await client.list_tools()
        return caught.value.error.message

    assert run(None, scenario) == "Invalid or expired credentials."


def test_the_token_verifier_resolves_keys_and_jwts(merchant, api_key_for):
    key = api_key_for(merchant, "customers:read")
    member = MembershipFactory(merchant=merchant, role="viewer").user
    verifier = ApiTokenVerifier()

    by_key = anyio.run(verifier.verify_token, key)
    by_jwt = anyio.run(verifier.verify_token, jwt_for(member))
    refused = anyio.run(verifier.verify_token, "sk_test_unknown")

    assert isinstance(by_key, CallerToken)
    assert (by_key.client_id, by_key.scopes) == (by_key.caller.api_key.id, ["customers:read"])
    assert key not in by_key.token
    assert by_jwt.client_id == f"assistant:{member.pk}"
    assert "events:read" in by_jwt.scopes
    assert refused is None


def test_mcp_stdio_refuses_a_missing_or_bad_key(monkeypatch):
    monkeypatch.delenv("MCP_PAYMENTS_API_KEY", raising=False)

    with pytest.raises(CommandError, match="Give --api-key"):
        call_command("mcp_stdio", api_key=None)
    with pytest.raises(CommandError, match=r"Invalid, revoked or expired API key\."):
        call_command("mcp_stdio", api_key="sk_test_nope")


@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
def test_a_stateless_server_refuses_subscriptions_and_says_why(merchant, agent):
    """The HTTP transport's server (no session outlives a request) builds no watchers."""

    server = serve(agent(merchant))

    async def main():
        async with Client(server, mode="legacy") as client:
            with pytest.raises(MCPError) as caught:
                await client.subscribe_resource("approvals://appr_1")
            return caught.value.error

    error = anyio.run(main)

    assert (error.code, error.message) == (-32600, STATELESS_MESSAGE)


def pending_transfer_approval(merchant, agent) -> tuple:
    """(agent context with approval_above 100, an approval of one of its transfers)."""
    context = agent(merchant, approval_above=100)
    arguments = funded_transfer_arguments(merchant, 500)
    outcome = run_tool(context=context, name="create_transfer", arguments=arguments)
    return context, outcome.body["approval"]


def test_a_listen_stream_carries_the_updates_of_a_subscribed_approval(merchant, agent):
    """2026-07-28 clients subscribe through `subscriptions/listen` (any transport)."""
    context, approval_id = pending_transfer_approval(merchant, agent)
    decider = user_context(MembershipFactory(merchant=merchant, role="admin").user)
    server = serve(context)
    connection.close()

    def approve() -> None:
        try:
            approval_approve(context=decider, approval_id=approval_id)
        finally:
            connection.close()

    async def main():
        async with Client(server) as client:
            uri = f"approvals://{approval_id}"
            async with client.listen(resource_subscriptions=[uri]) as subscription:
                await anyio.to_thread.run_sync(approve)
                with anyio.fail_after(5):
                    event = await subscription.__anext__()
            with pytest.raises(MCPError) as refused:
                async with client.listen(resource_subscriptions=["approvals://appr_nope"]):
                    pass
            return client.protocol_version, subscription.honored, event, refused.value.error

    version, honored, event, refused = anyio.run(main)

    assert version in MODERN_PROTOCOL_VERSIONS
    assert honored.resource_subscriptions == [f"approvals://{approval_id}"]
    assert event == ResourceUpdated(uri=f"approvals://{approval_id}")
    assert (refused.code, refused.message) == (-32602, "No such agent approval: 'appr_nope'")
