"""The running server (uvicorn, the project's ASGI app) driven over Streamable HTTP by the SDK's
own client, and over REST as an integrator would: the issue's acceptance, end to end."""

import json

import anyio
import httpx2
import pytest
from mcp.shared.exceptions import MCPError

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.services import AgentPolicy
from tests.conftest import jwt_for
from tests.fixtures.factories import MembershipFactory, UserFactory
from tests.fixtures.ledger import fund_wallet, funded_transfer_arguments
from tests.fixtures.mcp import mcp_client
from wallets.models import Transfer
from wallets.services.wallets import wallet_create

pytestmark = pytest.mark.django_db(transaction=True)


def rest(server, token: str, method: str, path: str, body: dict | None = None) -> httpx2.Response:
    return httpx2.request(
        method,
        f"{server.base_url}/api/v1{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def funded_pair(merchant, balance: int):
    context = AuthContext(merchant=merchant, scopes=frozenset({"wallets:write"}))
    source = wallet_create(context=context, currency="usd")
    destination = wallet_create(context=context, currency="usd")
    fund_wallet(source, balance)
    return source, destination


def test_an_agent_lists_tools_creates_a_customer_and_a_transfer_and_rest_sees_them(
    mcp_server, merchant, api_key_for
):
    key = api_key_for(merchant)
    source, destination = funded_pair(merchant, 1_000)

    async def agent():
        async with mcp_client(mcp_server.url, key) as client:
            tools = await client.list_tools()
            customer = await client.call_tool("create_customer", {"name": "Ada", "email": "a@x.io"})
            transfer = await client.call_tool(
                "create_transfer",
                {
                    "source_wallet": source.id,
                    "destination_wallet": destination.id,
                    "amount": 250,
                    "currency": "usd",
                },
            )
            return client.protocol_version, tools, customer, transfer

    version, tools, customer, transfer = anyio.run(agent)

    assert version == "2026-07-28"
    assert {tool.name for tool in tools.tools} >= {"create_customer", "create_transfer"}
    assert customer.is_error is False
    assert json.loads(customer.content[0].text) == customer.structured_content
    rest_customer = rest(mcp_server, key, "GET", f"/customers/{customer.structured_content['id']}")
    assert rest_customer.json() == customer.structured_content
    rest_transfer = rest(mcp_server, key, "GET", f"/transfers/{transfer.structured_content['id']}")
    assert (rest_transfer.json()["amount"], rest_transfer.json()["status"]) == (250, "posted")
    assert rest(mcp_server, key, "GET", f"/wallets/{source.id}").json()["balance"] == {
        "available": 750,
        "pending": 0,
    }


def test_a_handshake_era_client_is_served_too(mcp_server, merchant, api_key_for):
    key = api_key_for(merchant, "payments:read")

    async def agent():
        async with mcp_client(mcp_server.url, key, mode="legacy") as client:
            return client.protocol_version, await client.call_tool("get_balance", {})

    version, balance = anyio.run(agent)

    assert version == "2025-11-25"
    assert balance.structured_content == {"object": "balance", "available": [], "pending": []}


def test_a_restricted_key_sees_only_its_tools(mcp_server, merchant, api_key_for):
    key = api_key_for(merchant, "customers:read wallets:read", policy=AgentPolicy(read_only=True))

    async def agent():
        async with mcp_client(mcp_server.url, key) as client:
            tools = await client.list_tools()
            refused = await client.call_tool("create_customer", {"name": "Ada"})
            return tools, refused

    tools, refused = anyio.run(agent)

    assert [tool.name for tool in tools.tools] == [
        "get_wallet",
        "list_wallet_transactions",
        "get_customer",
        "list_customers",
        "get_approval",
    ]
    assert all(tool.annotations.read_only_hint for tool in tools.tools)
    assert refused.is_error
    assert refused.structured_content["error"]["code"] == "permission_denied"


def test_a_dashboard_users_jwt_works_with_the_roles_scopes(mcp_server, merchant):
    viewer = MembershipFactory(merchant=merchant, role="viewer").user

    async def agent():
        async with mcp_client(mcp_server.url, jwt_for(viewer)) as client:
            return await client.list_tools()

    tools = anyio.run(agent)

    assert all(tool.annotations.read_only_hint for tool in tools.tools)
    assert "list_customers" in {tool.name for tool in tools.tools}


@pytest.mark.parametrize("token", [None, "sk_test_not-a-key", "not.a.jwt"])
def test_no_valid_token_is_401_with_the_protected_resource_metadata(mcp_server, token):
    headers = {"Accept": "application/json, text/event-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"

    response = httpx2.post(
        mcp_server.url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers=headers
    )
    metadata = httpx2.get(f"{mcp_server.base_url}/.well-known/oauth-protected-resource/mcp")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == (
        'Bearer error="invalid_token", error_description="Authentication required", '
        f'resource_metadata="{mcp_server.base_url}/.well-known/oauth-protected-resource/mcp"'
    )
    # No OAuth server is deployed, so none is named: clients report an invalid key.
    assert metadata.json() == {"resource": mcp_server.url, "bearer_methods_supported": ["header"]}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Host": "evil.example.com"}, 421),
        ({"Origin": "http://evil.example.com"}, 403),
        ({"Origin": "http://localhost:3000"}, 200),
    ],
)
def test_dns_rebinding_protection(mcp_server, merchant, api_key_for, headers, status):
    response = httpx2.post(
        mcp_server.url,
        json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
        headers={
            "Authorization": f"Bearer {api_key_for(merchant)}",
            "Accept": "application/json, text/event-stream",
            **headers,
        },
    )

    assert response.status_code == status


def test_over_the_threshold_nothing_happens_until_staff_approve_then_exactly_once(
    mcp_server, merchant, api_key_for
):
    key = api_key_for(merchant, policy=AgentPolicy(approval_above=100))
    source, destination = funded_pair(merchant, 1_000)
    arguments = {
        "source_wallet": source.id,
        "destination_wallet": destination.id,
        "amount": 500,
        "currency": "usd",
    }

    async def ask():
        async with mcp_client(mcp_server.url, key) as client:
            return (await client.call_tool("create_transfer", arguments)).structured_content

    pending = anyio.run(ask)
    assert pending["status"] == "pending_approval"
    assert rest(mcp_server, key, "GET", "/transfers").json()["data"] == []

    staff = jwt_for(UserFactory(is_staff=True, is_superuser=True))
    decided = rest(mcp_server, staff, "POST", f"/agent_approvals/{pending['approval']}/approve", {})

    async def learn():
        async with mcp_client(mcp_server.url, key) as client:
            approval = await client.call_tool("get_approval", {"id": pending["approval"]})
            retried = await client.call_tool("create_transfer", arguments)
            return approval.structured_content, retried.structured_content

    approval, retried = anyio.run(learn)

    assert decided.status_code == 200
    assert approval["status"] == "executed"
    transfers = rest(mcp_server, key, "GET", "/transfers").json()["data"]
    assert [row["id"] for row in transfers] == [approval["result"]["id"]]
    assert retried == approval["result"]
    assert Transfer.objects.count() == 1


def test_dry_run_over_http_changes_nothing(mcp_server, merchant, api_key_for):
    key = api_key_for(merchant)
    source, destination = funded_pair(merchant, 1_000)

    async def agent():
        async with mcp_client(mcp_server.url, key) as client:
            result = await client.call_tool(
                "create_transfer",
                {
                    "source_wallet": source.id,
                    "destination_wallet": destination.id,
                    "amount": 400,
                    "currency": "usd",
                    "dry_run": True,
                },
            )
            return result.structured_content

    body = anyio.run(agent)

    assert (body["object"], body["would_create"]["amount"]) == ("dry_run", 400)
    assert [posting["amount"] for posting in body["postings"]] == [400, -400]
    assert Transfer.objects.count() == 0
    assert rest(mcp_server, key, "GET", f"/wallets/{source.id}").json()["balance"]["available"] == (
        1_000
    )


def test_resources_and_prompts(mcp_server, merchant, api_key_for):
    key = api_key_for(merchant, "customers:read customers:write events:read")

    async def agent():
        async with mcp_client(mcp_server.url, key) as client:
            customer = await client.call_tool("create_customer", {"name": "Ada"})
            templates = await client.list_resource_templates()
            read = await client.read_resource(f"customers://{customer.structured_content['id']}")
            prompts = await client.list_prompts()
            brief = await client.get_prompt("investigate_payment", {"payment": "pay_123"})
            with pytest.raises(MCPError) as missing:
                await client.read_resource("customers://cus_missing")
            return customer, templates, read, prompts, brief, missing.value

    customer, templates, read, prompts, brief, missing = anyio.run(agent)

    assert [t.uri_template for t in templates.resource_templates] == [
        "customers://{id}",
        "approvals://{id}",
    ]
    assert json.loads(read.contents[0].text) == customer.structured_content
    assert read.contents[0].mime_type == "application/json"
    assert [p.name for p in prompts.prompts] == ["investigate_payment", "daily_revenue_brief"]
    text = brief.messages[0].content.text
    assert "list_events" in text
    assert "get_balance" not in text  # this key cannot call it
    assert missing.error.code == -32602
    assert missing.error.message == "No such customer: 'cus_missing'"


def test_a_listen_stream_over_http_reports_an_approval_decided_through_rest(
    mcp_server, merchant, api_key_for
):
    """2026-07-28 clients: `subscriptions/listen` is its own SSE response, so it needs no
    session; the decision is made by a merchant admin through the REST API."""
    key = api_key_for(merchant, policy=AgentPolicy(approval_above=100))
    admin = jwt_for(MembershipFactory(merchant=merchant, role="admin").user)
    arguments = funded_transfer_arguments(merchant, 500, balance=1_000)

    async def agent():
        async with mcp_client(mcp_server.url, key) as client:
            pending = await client.call_tool("create_transfer", arguments)
            uri = f"approvals://{pending.structured_content['approval']}"
            async with client.listen(resource_subscriptions=[uri]) as subscription:
                approved = await anyio.to_thread.run_sync(
                    rest, mcp_server, admin, "POST", f"/agent_approvals/{uri[12:]}/approve", {}
                )
                with anyio.fail_after(5):
                    event = await subscription.__anext__()
            return uri, approved, event

    uri, approved, event = anyio.run(agent)

    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "executed"
    assert event.uri == uri
    assert Transfer.objects.get().amount == 500
