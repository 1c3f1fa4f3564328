"""One agent policy for every interface (API.md §7): each case runs through REST and through MCP
with the same key, and the money services refuse, or send for approval, the same way."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from compliance.models import AuditEntry
from mcp_payments.accounts.selectors import api_key_context
from mcp_payments.accounts.services import AgentPolicy, api_key_create
from mcp_payments.agents.models import AgentApproval, AgentSpend
from mcp_payments.events.models import Event
from mcp_payments.mcp.auth import mcp_context_for_token
from mcp_payments.mcp.execution import run_tool
from payments.models import Customer, Payment
from tests.conftest import bearer_client, jwt_for
from tests.fixtures.factories import MembershipFactory
from tests.fixtures.ledger import balance_of, fund_wallet
from wallets.models import JournalEntry, Transfer, Wallet
from wallets.services.wallets import wallet_create

pytestmark = pytest.mark.django_db

INTERFACES = ["rest", "mcp"]


@pytest.fixture
def wallets(merchant) -> tuple[Wallet, Wallet]:
    context = api_key_context(api_key_create(merchant=merchant, scopes="*", context=None).secret)
    source = wallet_create(context=context, currency="usd")
    destination = wallet_create(context=context, currency="usd")
    fund_wallet(source, 10_000)
    return source, destination


def secret_with(merchant, **policy: Any) -> str:
    return api_key_create(
        merchant=merchant, scopes="*", policy=AgentPolicy(**policy), context=None
    ).secret


# Each operation as REST (method, path, body) and MCP (tool, arguments).
def transfer_args(source: Wallet, destination: Wallet, amount: int) -> dict[str, Any]:
    return {
        "source_wallet": source.id,
        "destination_wallet": destination.id,
        "amount": amount,
        "currency": "usd",
    }


REST = {
    "create_transfer": lambda args: ("/api/v1/transfers", args),
    "create_customer": lambda args: ("/api/v1/customers", args),
    "get_wallet": lambda args: (f"/api/v1/wallets/{args['id']}", None),
}


def invoke(interface: str, secret: str, operation: str, args: dict[str, Any]) -> tuple[int, dict]:
    """(HTTP-like status, body) of one call: REST through the test client as a real bearer,
    MCP through the tool path the transports use (202 stands for `pending_approval`)."""
    if interface == "rest":
        path, body = REST[operation](args)
        client = bearer_client(secret)
        response = client.get(path) if body is None else client.post(path, body, format="json")
        return response.status_code, response.json()
    context = api_key_context(secret)
    if context is None:
        return 401, {}
    outcome = run_tool(context=context, name=operation, arguments=args)
    if outcome.status == "pending_approval":
        return 202, outcome.body
    if outcome.is_error:
        code = outcome.body["error"]["code"]
        return {"api_key_expired": 401}.get(code, 403 if "policy" in code else 400), outcome.body
    return 200, outcome.body


def movement_state(source: Wallet) -> tuple:
    money_events = Event.objects.exclude(type__startswith="agent.").exclude(
        type__startswith="wallet."
    )
    return (
        Transfer.objects.count(),
        JournalEntry.objects.filter(kind="transfer").count(),
        money_events.filter(type__startswith="transfer.").count(),
        balance_of(source),
        AgentSpend.objects.count(),
        AuditEntry.objects.filter(action="transfer.created").count(),
    )


@pytest.mark.parametrize("interface", INTERFACES)
def test_over_max_amount_per_call_is_refused_and_moves_nothing(interface, merchant, wallets):
    source, _ = wallets
    secret = secret_with(merchant, max_amount_per_call=500)
    before = movement_state(source)

    status, body = invoke(interface, secret, "create_transfer", transfer_args(*wallets, 900))

    assert status == 403
    assert body["error"] == {
        "type": "permission_error",
        "code": "agent_policy_violation",
        "message": "The amount 900 exceeds max_amount_per_call (500).",
        "param": "max_amount_per_call",
    }
    assert movement_state(source) == before


@pytest.mark.parametrize("interface", INTERFACES)
def test_read_only_refuses_writes(interface, merchant):
    secret = secret_with(merchant, read_only=True)

    status, body = invoke(interface, secret, "create_customer", {"name": "Ada"})

    assert status == 403
    assert body["error"]["code"] == "agent_policy_violation"
    assert body["error"]["param"] == "read_only"
    assert Customer.objects.count() == 0


@pytest.mark.parametrize("interface", INTERFACES)
def test_an_expired_key_is_401(interface, merchant, wallets):
    secret = secret_with(merchant, expires_at=timezone.now() - timedelta(seconds=1))

    status, _ = invoke(interface, secret, "create_transfer", transfer_args(*wallets, 100))

    assert status == 401
    assert Transfer.objects.count() == 0


@pytest.mark.parametrize("interface", INTERFACES)
def test_allowed_tools_restricts_both_interfaces(interface, merchant, wallets):
    source, _ = wallets
    secret = secret_with(merchant, allowed_tools=["get_wallet"])

    refused, body = invoke(interface, secret, "create_transfer", transfer_args(*wallets, 100))
    allowed, wallet = invoke(interface, secret, "get_wallet", {"id": source.id})

    assert refused == 403
    assert (body["error"]["code"], body["error"]["param"]) == (
        "agent_policy_violation",
        "allowed_tools",
    )
    assert (allowed, wallet["id"]) == (200, source.id)
    assert Transfer.objects.count() == 0


def staff_approve(staff_client, approval_id: str):
    return staff_client.post(f"/api/v1/agent_approvals/{approval_id}/approve", {}, format="json")


@pytest.mark.parametrize("interface", INTERFACES)
def test_above_approval_above_waits_then_runs_exactly_once(
    interface, merchant, wallets, staff_client
):
    source, destination = wallets
    secret = secret_with(merchant, approval_above=1_000)
    args = transfer_args(source, destination, 5_000)
    before = movement_state(source)

    first_status, first = invoke(interface, secret, "create_transfer", args)
    again_status, again = invoke(interface, secret, "create_transfer", args)

    approval = AgentApproval.objects.get()
    assert (first_status, again_status) == (202, 202)
    if interface == "rest":
        assert first == again
        assert {k: first[k] for k in ("object", "id", "status", "operation", "result")} == {
            "object": "agent_approval",
            "id": approval.id,
            "status": "pending",
            "operation": "create_transfer",
            "result": None,
        }
        assert (first["amount"], first["currency"]) == (5_000, "usd")
        assert first["policy_verdict"]["approval_above"] == 1_000
        assert first["expires_at"] is not None
    else:
        assert first == again == {"status": "pending_approval", "approval": approval.id}
    assert movement_state(source) == before
    assert list(Event.objects.filter(type__startswith="agent.").values_list("type", flat=True)) == [
        "agent.approval_requested"
    ]

    decided = staff_approve(staff_client, approval.id)
    after_status, after = invoke(interface, secret, "create_transfer", args)
    later_status, later = invoke(interface, secret, "create_transfer", args)

    made = Transfer.objects.get()
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["result"]["id"]) == ("executed", made.id)
    assert (after_status, after["id"]) == (201 if interface == "rest" else 200, made.id)
    assert later == after
    assert later_status == after_status
    assert AgentApproval.objects.count() == 1
    assert balance_of(source) == (5_000, 0)
    shown = staff_client.get(f"/api/v1/agent_approvals/{approval.id}").json()
    assert shown["result"]["id"] == made.id


@pytest.mark.parametrize("interface", INTERFACES)
def test_rejected_and_expired_approvals_move_nothing(interface, merchant, wallets, staff_client):
    source, destination = wallets
    secret = secret_with(merchant, approval_above=1_000)
    rejected_args = transfer_args(source, destination, 2_000)
    expired_args = transfer_args(source, destination, 3_000)

    invoke(interface, secret, "create_transfer", rejected_args)
    invoke(interface, secret, "create_transfer", expired_args)
    rejected, expired = AgentApproval.objects.order_by("amount")
    AgentApproval.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    reject = staff_client.post(f"/api/v1/agent_approvals/{rejected.id}/reject", {}, format="json")
    late = staff_approve(staff_client, expired.id)
    replay_rejected = invoke(interface, secret, "create_transfer", rejected_args)
    replay_expired = invoke(interface, secret, "create_transfer", expired_args)

    assert reject.json()["status"] == "rejected"
    assert (late.status_code, late.json()["error"]["code"]) == (409, "approval_not_pending")
    assert AgentApproval.objects.get(pk=expired.pk).status == "expired"
    assert replay_rejected[1]["error"]["code"] == "approval_rejected"
    assert replay_expired[1]["error"]["code"] == "approval_expired"
    assert Transfer.objects.count() == 0
    assert balance_of(source) == (10_000, 0)


def test_a_dashboard_jwt_on_mcp_is_held_to_the_assistant_policy(merchant, wallets):
    source, destination = wallets
    admin = MembershipFactory(merchant=merchant, role="admin").user
    token = jwt_for(admin)
    set_policy = bearer_client(token).post(
        "/api/v1/assistant_policy", {"max_amount_per_call": 500}, format="json"
    )
    context = mcp_context_for_token(token)

    refused = run_tool(
        context=context, name="create_transfer", arguments=transfer_args(source, destination, 900)
    )
    allowed = run_tool(
        context=context, name="create_transfer", arguments=transfer_args(source, destination, 400)
    )

    assert set_policy.status_code == 200
    assert set_policy.json()["max_amount_per_call"] == 500
    assert (context.actor_id, context.policy_owner) == (
        f"assistant:{admin.pk}",
        f"assistant:{merchant.id}",
    )
    assert refused.body["error"]["code"] == "agent_policy_violation"
    assert allowed.status == "ok"
    assert Transfer.objects.get().amount == 400
    created = AuditEntry.objects.get(action="transfer.created")
    assert created.actor_id == f"assistant:{admin.pk}"


def test_the_assistant_policy_is_set_by_admins_only(merchant):
    viewer = bearer_client(jwt_for(MembershipFactory(merchant=merchant, role="viewer").user))
    admin = bearer_client(jwt_for(MembershipFactory(merchant=merchant, role="admin").user))

    empty = admin.get("/api/v1/assistant_policy")
    refused = viewer.post("/api/v1/assistant_policy", {"read_only": True}, format="json")
    saved = admin.post(
        "/api/v1/assistant_policy",
        {"daily_limit": {"usd": 10_000}, "allowed_tools": ["get_balance"]},
        format="json",
    )

    assert empty.json() == {
        "object": "assistant_policy",
        "max_amount_per_call": None,
        "daily_limit": {},
        "approval_above": None,
        "allowed_tools": None,
        "expires_at": None,
        "read_only": False,
    }
    assert refused.status_code == 403
    assert saved.status_code == 200, saved.json()
    assert viewer.get("/api/v1/assistant_policy").json()["daily_limit"] == {"usd": 10_000}
    assert saved.json()["allowed_tools"] == ["get_balance"]
    audit = AuditEntry.objects.get(action="assistant_policy.updated")
    assert audit.after["daily_limit"] == {"usd": 10_000}


def test_policy_check_gives_the_verdict_and_changes_nothing(merchant, wallets):
    admin = bearer_client(jwt_for(MembershipFactory(merchant=merchant, role="admin").user))
    key = api_key_create(
        merchant=merchant,
        scopes="*",
        policy=AgentPolicy(approval_above=1_000, daily_limit={"usd": 5_000}),
        context=None,
    ).key

    def check(**body):
        return admin.post(f"/api/v1/api_keys/{key.id}/policy_check", body, format="json")

    small = check(operation="create_transfer", amount=500, currency="usd")
    large = check(operation="create_transfer", amount=2_000, currency="usd")
    over = check(operation="create_payout", amount=6_000, currency="usd")
    bad = check(operation="create_payout", amount=6_000)

    assert small.json() == {
        "object": "policy_verdict",
        "operation": "create_transfer",
        "amount": 500,
        "currency": "usd",
        "allowed": True,
        "refusal": None,
        "approval_required": False,
        "max_amount_per_call": None,
        "approval_above": 1_000,
        "daily_limit": 5_000,
        "daily_spent": 0,
        "daily_remaining": 5_000,
    }
    assert (large.json()["allowed"], large.json()["approval_required"]) == (True, True)
    assert over.json()["refusal"]["param"] == "daily_limit"
    assert bad.status_code == 400
    assert AgentSpend.objects.count() == AgentApproval.objects.count() == 0


def test_a_rest_batch_is_one_call_for_the_policy(merchant, wallets):
    source, destination = wallets
    secret = secret_with(merchant, max_amount_per_call=1_000, daily_limit={"usd": 5_000})
    item = transfer_args(source, destination, 600)

    refused = bearer_client(secret).post(
        "/api/v1/transfers/batch", {"atomic": True, "transfers": [item, item]}, format="json"
    )
    single = dict(item, amount=400)
    applied = bearer_client(secret).post(
        "/api/v1/transfers/batch", {"atomic": True, "transfers": [single, single]}, format="json"
    )

    assert refused.status_code == 403
    assert refused.json()["error"]["param"] == "max_amount_per_call"
    assert applied.status_code == 200
    assert AgentSpend.objects.get().amount == 800
    assert Transfer.objects.count() == 2


def test_a_rest_confirm_above_the_threshold_waits_and_runs_when_approved(
    merchant, staff_client, api
):
    secret = secret_with(merchant, approval_above=1_000)
    client = bearer_client(secret)
    method = api.post(
        "/api/v1/payment_methods", {"type": "card", "card": {"token": "tok_visa"}}, format="json"
    ).json()["id"]
    created = client.post(
        "/api/v1/payments",
        {"amount": 50_000, "currency": "usd", "payment_method": method},
        format="json",
    ).json()

    pending = client.post(f"/api/v1/payments/{created['id']}/confirm", {}, format="json")
    approval = pending.json()
    decided = staff_approve(staff_client, approval["id"])
    replay = client.post(f"/api/v1/payments/{created['id']}/confirm", {}, format="json")

    assert pending.status_code == 202
    assert (approval["operation"], approval["amount"]) == ("confirm_payment", 50_000)
    assert decided.json()["status"] == "executed"
    assert Payment.objects.get().status == "succeeded"
    assert (replay.status_code, replay.json()["status"]) == (200, "succeeded")


def test_the_walk_around_of_the_issue_is_closed(merchant, api):
    """A key with approval_above 5000 and max 8000 asked for a 50,000 payment over REST."""
    secret = secret_with(merchant, approval_above=5_000, max_amount_per_call=8_000)
    method = api.post(
        "/api/v1/payment_methods", {"type": "card", "card": {"token": "tok_visa"}}, format="json"
    ).json()["id"]

    big = bearer_client(secret).post(
        "/api/v1/payments",
        {"amount": 50_000, "currency": "usd", "payment_method": method, "confirm": True},
        format="json",
    )
    middle = bearer_client(secret).post(
        "/api/v1/payments",
        {"amount": 6_000, "currency": "usd", "payment_method": method, "confirm": True},
        format="json",
    )

    assert (big.status_code, big.json()["error"]["code"]) == (403, "agent_policy_violation")
    assert (middle.status_code, middle.json()["status"]) == (202, "pending")
    assert Payment.objects.count() == 0


def test_a_revoked_key_fails_the_next_rest_and_mcp_request(merchant):
    """No cache between the key and a request: revocation is effective at once (< 1 s). MCP's
    token verifier resolves the caller with `mcp_context_for_token` on every request."""
    from mcp_payments.accounts.services import api_key_revoke

    created = api_key_create(merchant=merchant, scopes="*", context=None)
    client = bearer_client(created.secret)
    assert client.get("/api/v1/customers").status_code == 200
    assert mcp_context_for_token(created.secret) is not None

    api_key_revoke(context=None, key=created.key)
    started = timezone.now()
    rest = client.get("/api/v1/customers")
    mcp = mcp_context_for_token(created.secret)

    assert rest.status_code == 401
    assert mcp is None  # the verifier returns None: the MCP transport answers 401
    assert (timezone.now() - started).total_seconds() < 1
