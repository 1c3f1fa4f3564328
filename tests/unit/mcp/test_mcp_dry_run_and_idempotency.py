"""`dry_run: true` changes nothing; retried write calls run once (derived or given keys)."""

import pytest

from compliance.models import AuditEntry
from mcp_payments.agents.models import AgentApproval, AgentSpend
from mcp_payments.api.models import IdempotencyRecord
from mcp_payments.events.models import Event
from payments.models import Customer
from tests.fixtures.ledger import balance_of
from wallets.models import JournalEntry, LedgerAccount, Payout, Posting, Transfer

pytestmark = pytest.mark.django_db


def transfer(source, destination, amount, **extra):
    return {
        "source_wallet": source.id,
        "destination_wallet": destination.id,
        "amount": amount,
        "currency": "usd",
        **extra,
    }


def state() -> dict[str, object]:
    """Everything a money movement could leave behind, except the call's own audit row."""
    return {
        "transfers": Transfer.objects.count(),
        "payouts": Payout.objects.count(),
        "entries": JournalEntry.objects.count(),
        "postings": Posting.objects.count(),
        "accounts": LedgerAccount.objects.count(),
        "events": Event.objects.count(),
        "audit": AuditEntry.objects.exclude(action="mcp.tool_called").count(),
        "idempotency": IdempotencyRecord.objects.count(),
        "spend": AgentSpend.objects.count(),
        "approvals": AgentApproval.objects.count(),
    }


def test_dry_run_transfer_shows_what_would_happen_and_changes_nothing(
    merchant, agent, call, funded_wallets
):
    source, destination = funded_wallets(10_000)
    context = agent(merchant, daily_limit={"usd": 5_000}, approval_above=1_000)
    before = state()

    outcome = call(
        context,
        "create_transfer",
        transfer(source, destination, 2_000, application_fee_amount=50, dry_run=True),
    )

    body = outcome.body
    assert outcome.status == "dry_run"
    assert (body["object"], body["tool"], body["error"]) == ("dry_run", "create_transfer", None)
    assert (body["would_create"]["object"], body["would_create"]["amount"]) == ("transfer", 2_000)
    assert (body["fee"], body["amount"], body["currency"]) == (50, 2_000, "usd")
    entry = body["would_create"]["final_entry"]
    assert [(p["entry"], p["account"], p["amount"], p["type"]) for p in body["postings"]] == [
        (entry, source.account_id, 2_000, "posted"),
        (entry, destination.account_id, -1_950, "posted"),
        (entry, body["postings"][2]["account"], -50, "posted"),
    ]
    assert body["policy"] == {
        "operation": "create_transfer",
        "amount": 2_000,
        "currency": "usd",
        "allowed": True,
        "refusal": None,
        "approval_required": True,
        "max_amount_per_call": None,
        "approval_above": 1_000,
        "daily_limit": 5_000,
        "daily_spent": 0,
        "daily_remaining": 5_000,
    }
    assert state() == before
    assert balance_of(source) == (10_000, 0)
    assert not Transfer.objects.filter(pk=body["would_create"]["id"]).exists()
    audit = AuditEntry.objects.get(action="mcp.tool_called")
    assert (audit.after["outcome"], audit.after["arguments"]["dry_run"]) == ("dry_run", True)


def test_dry_run_reports_the_refusal_and_the_policy_verdict(merchant, agent, call, funded_wallets):
    source, destination = funded_wallets(100)
    context = agent(merchant, max_amount_per_call=150)
    before = state()

    body = call(context, "create_transfer", transfer(source, destination, 200, dry_run=True)).body

    assert body["would_create"] is None
    assert body["postings"] == []
    assert body["error"]["code"] == "insufficient_funds"
    assert body["policy"]["allowed"] is False
    assert body["policy"]["refusal"] == {
        "code": "agent_policy_violation",
        "param": "max_amount_per_call",
        "message": "The amount 200 exceeds max_amount_per_call (150).",
    }
    assert state() == before


def test_dry_run_payout_rolls_back_its_settlement_and_accounts(
    merchant, agent, call, funded_wallets, django_capture_on_commit_callbacks
):
    source, _ = funded_wallets(1_000)
    context = agent(merchant)
    before = state()

    with django_capture_on_commit_callbacks() as callbacks:
        body = call(
            context,
            "create_payout",
            {
                "wallet": source.id,
                "amount": 300,
                "currency": "usd",
                "destination": "btok_success",
                "dry_run": True,
            },
        ).body

    assert (body["would_create"]["object"], body["would_create"]["status"]) == ("payout", "pending")
    assert [posting["amount"] for posting in body["postings"]] == [300, -300]
    assert state() == before
    assert [c.task_name for c in callbacks if hasattr(c, "task_name")] == []


def test_dry_run_must_be_a_boolean(merchant, agent, call, funded_wallets):
    source, destination = funded_wallets(100)

    outcome = call(agent(merchant), "create_transfer", transfer(source, destination, 1, dry_run=1))

    assert (outcome.body["error"]["code"], outcome.body["error"]["param"]) == (
        "parameter_invalid",
        "dry_run",
    )


def test_an_identical_retry_runs_once(merchant, agent, call, funded_wallets):
    source, destination = funded_wallets(1_000)
    context = agent(merchant, daily_limit={"usd": 1_000})

    first = call(context, "create_transfer", transfer(source, destination, 300))
    retry = call(context, "create_transfer", transfer(source, destination, 300))

    assert retry.body == first.body
    assert (first.replayed, retry.replayed) == (False, True)
    assert Transfer.objects.count() == 1
    assert balance_of(source) == (700, 0)
    assert AgentSpend.objects.get().amount == 300
    replayed = AuditEntry.objects.filter(action="mcp.tool_called").order_by("seq").last()
    assert replayed.after["replayed"] is True


def test_key_order_does_not_matter_but_arguments_do(merchant, agent, call, funded_wallets):
    source, destination = funded_wallets(1_000)
    context = agent(merchant)
    arguments = transfer(source, destination, 300)

    call(context, "create_transfer", arguments)
    call(context, "create_transfer", dict(reversed(arguments.items())))
    call(context, "create_transfer", {**arguments, "amount": 301})

    assert sorted(Transfer.objects.values_list("amount", flat=True)) == [300, 301]


def test_the_derived_key_belongs_to_a_window(
    merchant, agent, call, funded_wallets, time_machine, settings
):
    settings.MCP_IDEMPOTENCY_WINDOW_SECONDS = 3600
    time_machine.move_to("2026-03-01T10:59:00Z")
    source, destination = funded_wallets(1_000)
    context = agent(merchant)

    call(context, "create_transfer", transfer(source, destination, 100))
    time_machine.move_to("2026-03-01T11:00:01Z")
    call(context, "create_transfer", transfer(source, destination, 100))

    assert Transfer.objects.count() == 2


def test_two_keys_of_one_merchant_do_not_share_derived_keys(merchant, agent, call):
    call(agent(merchant), "create_customer", {"name": "Ada"})
    call(agent(merchant), "create_customer", {"name": "Ada"})

    assert Customer.objects.count() == 2


def test_a_given_idempotency_key_is_reused_like_rest(merchant, agent, call, funded_wallets):
    source, destination = funded_wallets(1_000)
    context = agent(merchant)

    first = call(
        context, "create_transfer", transfer(source, destination, 100, idempotency_key="k1")
    )
    again = call(
        context, "create_transfer", transfer(source, destination, 100, idempotency_key="k1")
    )
    reused = call(
        context, "create_transfer", transfer(source, destination, 200, idempotency_key="k1")
    )

    assert again.body == first.body
    assert reused.body["error"] == {
        "type": "idempotency_error",
        "code": "idempotency_key_reused",
        "message": "This Idempotency-Key was already used with a different request (method, "
        "path or body).",
        "param": None,
    }
    assert Transfer.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.scope, record.key) == (merchant.id, "k1")


def test_a_stored_conflict_is_replayed_not_rerun(merchant, agent, call, funded_wallets):
    source, destination = funded_wallets(100)
    context = agent(merchant)

    first = call(context, "create_transfer", transfer(source, destination, 500))
    from tests.fixtures.ledger import fund_wallet

    fund_wallet(source, 1_000)
    retry = call(context, "create_transfer", transfer(source, destination, 500))

    assert first.body["error"]["code"] == "insufficient_funds"
    assert (retry.body, retry.replayed) == (first.body, True)
    assert Transfer.objects.count() == 0


def test_a_refusal_of_the_request_is_not_stored(merchant, agent, call):
    context = agent(merchant)

    call(context, "create_wallet", {"currency": "usd", "customer": "cus_missing"})

    assert IdempotencyRecord.objects.count() == 0


def test_a_crash_is_an_internal_error_releases_the_key_and_is_audited(
    merchant, agent, call, monkeypatch
):
    def crash(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("payments.services.customers.customer_create", crash)

    outcome = call(agent(merchant), "create_customer", {"name": "Ada"})

    assert outcome.body == {
        "error": {
            "type": "api_error",
            "code": "internal_error",
            "message": "An internal error occurred.",
            "param": None,
        }
    }
    assert IdempotencyRecord.objects.count() == 0
    audit = AuditEntry.objects.get(action="mcp.tool_called")
    assert (audit.after["outcome"], audit.after["error_code"]) == ("error", "internal_error")
