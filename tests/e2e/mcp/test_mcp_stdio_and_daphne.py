"""The other transports: stdio (`manage.py mcp_stdio`, driven by the SDK's stdio client) and
the ASGI app under daphne, which has no lifespan protocol (the MCP session manager then starts
on the first request)."""

import subprocess
import sys

import anyio
import pytest
from django.db import connection
from django.utils import timezone
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from mcp_payments.accounts.models import ApiKey
from payments.models import Customer
from tests.fixtures.mcp import REPO_ROOT, mcp_client, running_server, server_env

pytestmark = pytest.mark.django_db(transaction=True)


def stdio_params(*args: str) -> StdioServerParameters:
    env = {key: value for key, value in server_env(0).items() if key != "MCP_RESOURCE_URL"}
    return StdioServerParameters(
        command=sys.executable, args=["manage.py", "mcp_stdio", *args], env=env, cwd=REPO_ROOT
    )


def test_stdio_serves_the_keys_tools(merchant, api_key_for, tmp_path):
    key = api_key_for(merchant, "customers:write customers:read")

    async def agent():
        with (tmp_path / "stderr.log").open("w") as errlog:
            async with Client(stdio_client(stdio_params("--api-key", key), errlog=errlog)) as c:
                tools = await c.list_tools()
                created = await c.call_tool("create_customer", {"name": "Ada"})
                fetched = await c.call_tool(
                    "get_customer", {"id": created.structured_content["id"]}
                )
                return tools, created, fetched

    tools, created, fetched = anyio.run(agent)

    assert [tool.name for tool in tools.tools] == [
        "create_customer",
        "get_customer",
        "list_customers",
        "get_approval",
    ]
    assert fetched.structured_content == created.structured_content
    assert Customer.objects.get().name == "Ada"


def revoke_all() -> None:
    try:
        ApiKey.objects.update(revoked_at=timezone.now())
    finally:
        connection.close()


def test_stdio_stops_serving_a_key_revoked_while_it_runs(merchant, api_key_for, tmp_path):
    key = api_key_for(merchant, "customers:read")

    async def agent():
        with (tmp_path / "stderr.log").open("w") as errlog:
            async with Client(stdio_client(stdio_params("--api-key", key), errlog=errlog)) as c:
                before = await c.list_tools()
                await anyio.to_thread.run_sync(revoke_all)
                with pytest.raises(MCPError, match="Invalid or expired credentials"):
                    await c.list_tools()
                return before

    assert len(anyio.run(agent).tools) == 3


def test_stdio_refuses_to_start_without_a_valid_key():
    env = {key: value for key, value in server_env(0).items() if key != "MCP_PAYMENTS_API_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "mcp_stdio", "--api-key", "sk_test_nope"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert "Invalid, revoked or expired API key." in result.stderr


def test_daphne_serves_mcp_without_a_lifespan(merchant, api_key_for, tmp_path):
    key = api_key_for(merchant, "payments:read")

    async def agent(url: str):
        async with mcp_client(url, key) as client:
            return await client.call_tool("get_balance", {})

    with running_server(tmp_path, kind="daphne") as server:
        result = anyio.run(agent, server.url)

    assert result.structured_content == {"object": "balance", "available": [], "pending": []}
