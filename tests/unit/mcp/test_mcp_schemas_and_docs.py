"""Tool schemas come from the REST serializers; annotations are what the tools do; docs/mcp.md
holds the generated tool table."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from mcp_payments.mcp import registry
from mcp_payments.mcp.docs import tools_markdown
from mcp_payments.mcp.server import mcp_tool, transport_security
from wallets.api.serializers import TransferCreateSerializer

DOC = Path(__file__).resolve().parents[3] / "docs" / "mcp.md"


def test_input_schema_names_the_rest_fields_plus_the_framework_ones():
    schema = registry.tools()["create_transfer"].input_schema

    assert list(schema["properties"]) == [
        *TransferCreateSerializer().fields,
        "idempotency_key",
        "dry_run",
    ]
    assert schema["required"] == ["source_wallet", "destination_wallet", "amount", "currency"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["amount"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 99_999_999_999,
        "description": "Integer amount in the currency's minor unit.",
    }
    assert schema["properties"]["currency"]["enum"][:3] == ["aud", "brl", "cad"]


def test_list_and_read_tools_take_rest_list_parameters():
    schema = registry.tools()["list_customers"].input_schema

    assert list(schema["properties"]) == [
        "limit",
        "starting_after",
        "created_gte",
        "created_lt",
        "email",
    ]
    assert schema["properties"]["limit"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 10,
    }
    assert "required" not in schema


def test_output_schemas_are_the_rest_representations():
    transfer = registry.tools()["create_transfer"].output_schema
    wallet = registry.tools()["get_wallet"].output_schema
    customers = registry.tools()["list_customers"].output_schema

    assert transfer["type"] == "object"
    assert [option["properties"]["object"] for option in transfer["anyOf"][::2]] == [
        {"const": "transfer"},
        {"const": "dry_run"},
    ]
    assert transfer["anyOf"][1]["properties"]["status"] == {"const": "pending_approval"}
    assert wallet["properties"]["balance"] == {
        "type": "object",
        "properties": {"available": {"type": "integer"}, "pending": {"type": "integer"}},
    }
    assert customers["properties"]["data"]["items"]["properties"]["object"] == {"const": "customer"}
    assert customers["required"] == ["object", "data", "has_more", "next_cursor"]


def test_annotations_say_what_each_tool_does():
    hints = {
        name: mcp_tool(spec).annotations.model_dump(exclude_none=True, exclude={"title"})
        for name, spec in registry.tools().items()
    }

    read = {"read_only_hint": True, "open_world_hint": False}

    def write(destructive: bool, idempotent: bool, open_world: bool) -> dict:
        return {
            "read_only_hint": False,
            "destructive_hint": destructive,
            "idempotent_hint": idempotent,
            "open_world_hint": open_world,
        }

    assert hints == {
        "get_payment": read,
        "list_payments": read,
        "list_refunds": read,
        "list_disputes": read,
        "list_risk_reviews": read,
        "list_compliance_alerts": read,
        "list_webhook_deliveries": read,
        "verify_audit_log": read,
        "create_payment": write(destructive=True, idempotent=True, open_world=True),
        "get_revenue_summary": read,
        "get_timeseries": read,
        "get_fraud_overview": read,
        "list_compliance_reports": read,
        "run_report": write(destructive=False, idempotent=True, open_world=False),
        "generate_compliance_report": write(destructive=False, idempotent=True, open_world=False),
        "create_refund": write(destructive=True, idempotent=True, open_world=True),
        "top_up_wallet": write(destructive=True, idempotent=True, open_world=True),
        "capture_payment": write(destructive=False, idempotent=True, open_world=False),
        "cancel_payment": write(destructive=True, idempotent=True, open_world=False),
        "update_dispute": write(destructive=False, idempotent=True, open_world=False),
        "retry_webhook_delivery": write(destructive=False, idempotent=False, open_world=True),
        "list_events": read,
        "get_balance": read,
        "create_wallet": {
            "read_only_hint": False,
            "destructive_hint": False,
            "idempotent_hint": True,
            "open_world_hint": False,
        },
        "get_wallet": read,
        "list_wallet_transactions": read,
        "create_transfer": {
            "read_only_hint": False,
            "destructive_hint": True,
            "idempotent_hint": True,
            "open_world_hint": False,
        },
        "create_payout": {
            "read_only_hint": False,
            "destructive_hint": True,
            "idempotent_hint": True,
            "open_world_hint": True,
        },
        "create_customer": {
            "read_only_hint": False,
            "destructive_hint": False,
            "idempotent_hint": True,
            "open_world_hint": False,
        },
        "get_customer": read,
        "list_customers": read,
        "get_approval": read,
        "get_system_status": {"read_only_hint": True, "open_world_hint": True},
    }


def test_docs_hold_the_generated_tool_table():
    output = StringIO()
    call_command("mcp_tools_doc", stdout=output)

    assert output.getvalue() == tools_markdown()
    assert tools_markdown() in DOC.read_text(), "run: python manage.py mcp_tools_doc"


def test_dns_rebinding_protection_follows_allowed_hosts(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", ".example.com", "::1"]

    security = transport_security()

    assert security.enable_dns_rebinding_protection is True
    assert security.allowed_hosts == [
        "127.0.0.1",
        "127.0.0.1:*",
        "example.com",
        "example.com:*",
        "[::1]",
        "[::1]:*",
    ]
    assert security.allowed_origins[:4] == [
        "http://127.0.0.1",
        "http://127.0.0.1:*",
        "https://127.0.0.1",
        "https://127.0.0.1:*",
    ]


def test_a_wildcard_allowed_host_turns_the_check_off(settings):
    settings.ALLOWED_HOSTS = ["*"]

    assert transport_security().enable_dns_rebinding_protection is False


def test_registering_a_tool_twice_is_an_error():
    with pytest.raises(ValueError, match="registered twice"):
        registry.tool(
            "get_customer",
            scope=None,
            input=registry.NoInput,
            output={"type": "object"},
            description="again",
        )(lambda call, data: {})
