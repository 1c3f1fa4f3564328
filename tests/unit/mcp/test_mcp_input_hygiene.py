"""The MCP argument layer's input hygiene (issue #12), through the SDK's in-process client: a NUL
or an unpaired surrogate in a tool argument is a tool error `parameter_invalid` naming the
argument (never database text), and the refused call still leaves its audit row, with the
arguments redacted and stored escaped."""

import json

import pytest

from compliance.models import AuditEntry
from tests.unit.mcp.test_mcp_server_inprocess import run

pytestmark = pytest.mark.django_db(transaction=True)


def tool_error(result) -> dict:
    assert result.is_error is True
    return json.loads(result.content[0].text)["error"]


@pytest.mark.parametrize(
    ("tool", "arguments", "param", "stored"),
    [
        ("get_payment", {"id": "pay_\x00"}, "id", {"id": "pay_\\u0000"}),
        ("get_customer", {"id": "cus_\ud800"}, "id", {"id": "cus_\\ud800"}),
        (
            "create_customer",
            {"name": "Ada", "metadata": {"a\x00": "b"}},
            "metadata[a\\u0000]",
            {"name": "[redacted]", "metadata": {"a\\u0000": "b"}},
        ),
    ],
)
def test_non_text_arguments_are_a_tool_error_and_the_call_is_audited(
    merchant, agent, tool, arguments, param, stored
):
    async def scenario(client):
        return await client.call_tool(tool, arguments)

    error = tool_error(run(agent(merchant), scenario))

    assert (error["type"], error["code"], error["param"]) == (
        "invalid_request_error",
        "parameter_invalid",
        param,
    )
    assert "SQL" not in error["message"] and "PostgreSQL" not in error["message"]
    [row] = AuditEntry.objects.filter(action="mcp.tool_called")
    assert (row.object_type, row.object_id) == ("mcp_tool", tool)
    assert row.after["outcome"] == "error"
    assert row.after["error_code"] == "parameter_invalid"
    assert row.after["arguments"] == stored


def test_a_non_text_resource_id_is_refused_as_a_protocol_error(merchant, agent):
    from mcp.shared.exceptions import MCPError

    async def scenario(client):
        with pytest.raises(MCPError) as caught:
            await client.read_resource("customers://cus_\x00")
        return caught.value.error

    error = run(agent(merchant, "customers:read"), scenario)

    assert error.code == -32602
    assert error.message == (
        "Invalid value for id: NUL characters and unpaired surrogates are not accepted."
    )
