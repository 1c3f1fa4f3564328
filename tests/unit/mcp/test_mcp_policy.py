"""Scopes and agent policies decide what a key lists and may call, and how much it may move."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import AuditEntry
from mcp_payments.accounts.selectors import api_key_context
from mcp_payments.accounts.services import AgentPolicy, api_key_create
from mcp_payments.agents.models import AgentSpend
from mcp_payments.mcp.server import visible_tools
from tests.fixtures.ledger import balance_of
from wallets.models import Transfer

pytestmark = pytest.mark.django_db

READ_TOOLS = [
    "list_events",
    "list_compliance_alerts",
    "get_balance",
    "get_wallet",
    "list_wallet_transactions",
    "get_customer",
    "list_customers",
    "get_payment",
    "list_payments",
    "list_refunds",
    "list_disputes",
    "list_risk_reviews",
    "list_webhook_deliveries",
    "get_approval",
]


def names(context) -> list[str]:
    return [spec.name for spec in visible_tools(context)]


def transfer_args(source, destination, amount, **extra):
    return {
        "source_wallet": source.id,
        "destination_wallet": destination.id,
        "amount": amount,
        "currency": source.currency,
        **extra,
    }


def test_a_full_key_lists_every_merchant_tool_but_the_staff_ones(merchant, agent):
    assert names(agent(merchant)) == [
        "list_events",
        "list_compliance_alerts",
        "get_balance",
        "create_wallet",
        "get_wallet",
        "list_wallet_transactions",
        "create_transfer",
        "create_payout",
        "create_customer",
        "get_customer",
        "list_customers",
        "create_payment",
        "get_payment",
        "list_payments",
        "capture_payment",
        "cancel_payment",
        "create_refund",
        "list_refunds",
        "list_disputes",
        "update_dispute",
        "top_up_wallet",
        "list_risk_reviews",
        "list_webhook_deliveries",
        "retry_webhook_delivery",
        "get_approval",
    ]


def test_scopes_decide_the_tools_listed_and_callable(merchant, agent, call):
    context = agent(merchant, scopes="customers:read")

    refused = call(context, "create_customer", {"name": "Ada"})

    assert names(context) == ["get_customer", "list_customers", "get_approval"]
    assert refused.body["error"] == {
        "type": "permission_error",
        "code": "permission_denied",
        "message": "This tool needs the 'customers:write' scope.",
        "param": None,
    }


def test_read_only_policy_hides_and_refuses_every_write_tool(merchant, agent, call):
    context = agent(merchant, read_only=True)

    refused = call(context, "create_customer", {"name": "Ada"})

    assert names(context) == READ_TOOLS
    assert refused.body["error"]["code"] == "agent_policy_violation"
    assert refused.body["error"]["param"] == "read_only"


def test_allowed_tools_policy_lists_only_those_and_get_approval(merchant, agent, call):
    context = agent(merchant, allowed_tools=["create_transfer", "get_wallet"])

    refused = call(context, "get_balance")

    assert names(context) == ["get_wallet", "create_transfer", "get_approval"]
    assert refused.body["error"] == {
        "type": "permission_error",
        "code": "agent_policy_violation",
        "message": "This caller's agent policy does not allow the operation 'get_balance'.",
        "param": "allowed_tools",
    }


def test_expired_key_is_refused_at_authentication(merchant):
    secret = api_key_create(
        merchant=merchant,
        scopes="*",
        policy=AgentPolicy(expires_at=timezone.now() - timedelta(seconds=1)),
        context=None,
    ).secret

    assert api_key_context(secret) is None


def test_max_amount_per_call_refuses_and_moves_nothing(merchant, agent, call, funded_wallets):
    source, destination = funded_wallets(1_000)
    context = agent(merchant, max_amount_per_call=100)

    refused = call(context, "create_transfer", transfer_args(source, destination, 101))
    allowed = call(context, "create_transfer", transfer_args(source, destination, 100))

    assert refused.body["error"] == {
        "type": "permission_error",
        "code": "agent_policy_violation",
        "message": "The amount 101 exceeds max_amount_per_call (100).",
        "param": "max_amount_per_call",
    }
    assert allowed.status == "ok"
    assert Transfer.objects.count() == 1
    assert balance_of(source) == (900, 0)


def test_daily_limit_counts_every_call_of_the_day(merchant, agent, call, funded_wallets):
    source, destination = funded_wallets(10_000)
    context = agent(merchant, daily_limit={"usd": 1_000})

    first = call(context, "create_transfer", transfer_args(source, destination, 600))
    second = call(context, "create_transfer", transfer_args(source, destination, 500))
    third = call(context, "create_transfer", transfer_args(source, destination, 400))

    assert (first.status, third.status) == ("ok", "ok")
    assert second.body["error"] == {
        "type": "permission_error",
        "code": "agent_policy_violation",
        "message": "Moving 500 usd would exceed the daily limit of 1000 usd.",
        "param": "daily_limit",
    }
    assert AgentSpend.objects.get().amount == 1_000
    assert Transfer.objects.count() == 2


def test_a_failed_movement_releases_its_daily_reservation(merchant, agent, call, funded_wallets):
    source, destination = funded_wallets(100)
    context = agent(merchant, daily_limit={"usd": 1_000})

    failed = call(context, "create_transfer", transfer_args(source, destination, 500))

    assert failed.body["error"]["code"] == "insufficient_funds"
    assert AgentSpend.objects.count() == 0


def test_daily_limit_allows_only_the_currencies_it_names(merchant, agent, call, funded_wallets):
    source, destination = funded_wallets(1_000, currency="eur")
    context = agent(merchant, daily_limit={"usd": 1_000})

    refused = call(context, "create_transfer", transfer_args(source, destination, 1))

    assert refused.body["error"]["message"] == (
        "Moving 1 eur would exceed the daily limit of 0 eur."
    )
    assert Transfer.objects.count() == 0


def test_daily_limit_starts_again_the_next_utc_day(
    merchant, agent, call, funded_wallets, time_machine
):
    time_machine.move_to("2026-03-01T23:59:00Z")
    source, destination = funded_wallets(10_000)
    context = agent(merchant, daily_limit={"usd": 1_000})
    call(context, "create_transfer", transfer_args(source, destination, 1_000))

    time_machine.move_to("2026-03-02T00:01:00Z")
    next_day = call(context, "create_transfer", transfer_args(source, destination, 1_000))

    assert next_day.status == "ok"
    assert sorted(AgentSpend.objects.values_list("day", "amount")) == [
        (timezone.datetime(2026, 3, 1).date(), 1_000),
        (timezone.datetime(2026, 3, 2).date(), 1_000),
    ]


def test_a_dashboard_user_has_no_agent_policy(merchant, call, funded_wallets):
    from mcp_payments.accounts.selectors import user_context
    from tests.fixtures.factories import MembershipFactory

    source, destination = funded_wallets(5_000)
    context = user_context(MembershipFactory(merchant=merchant, role="finance").user)

    outcome = call(context, "create_transfer", transfer_args(source, destination, 5_000))

    assert outcome.status == "ok"
    assert AgentSpend.objects.count() == 0


def test_every_call_is_audited_with_pii_redacted(merchant, agent, call):
    context = agent(merchant, scopes="customers:write")

    call(context, "create_customer", {"name": "Ada", "email": "ada@example.com", "phone": "+1"})
    call(context, "get_balance")

    rows = AuditEntry.objects.filter(action="mcp.tool_called").order_by("seq")
    created, refused = rows
    assert (created.actor_type, created.actor_id, created.object_type, created.object_id) == (
        "api_key",
        context.api_key.id,
        "mcp_tool",
        "create_customer",
    )
    assert created.merchant_id == merchant.id
    assert created.after["arguments"] == {
        "name": "[redacted]",
        "email": "[redacted]",
        "phone": "[redacted]",
    }
    assert (created.after["outcome"], created.after["error_code"]) == ("ok", None)
    assert created.after["idempotency_key"].startswith("mcp_create_customer_")
    assert isinstance(created.after["latency_ms"], float)
    assert (refused.object_id, refused.after["outcome"], refused.after["error_code"]) == (
        "get_balance",
        "error",
        "permission_denied",
    )
