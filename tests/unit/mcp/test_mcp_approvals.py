"""Calls above `approval_above` wait for staff; approving runs them exactly once."""

import pytest
from django.utils import timezone

from compliance.models import AuditEntry
from mcp_payments.accounts.models import ApiKey
from mcp_payments.agents.models import AgentApproval, AgentSpend
from mcp_payments.api.models import IdempotencyRecord
from mcp_payments.events.models import Event
from tests.conftest import bearer_client, jwt_for
from tests.fixtures.factories import MembershipFactory, UserFactory
from tests.fixtures.ledger import balance_of
from wallets.models import Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def wallets(funded_wallets):
    return funded_wallets(10_000)


@pytest.fixture
def agent_key(merchant, agent):
    return agent(merchant, approval_above=1_000)


def transfer(source, destination, amount):
    return {
        "source_wallet": source.id,
        "destination_wallet": destination.id,
        "amount": amount,
        "currency": "usd",
    }


def approve(client, approval_id, reason=""):
    return client.post(
        f"/api/v1/agent_approvals/{approval_id}/approve", {"reason": reason}, format="json"
    )


def test_above_the_threshold_nothing_happens_but_an_approval(agent_key, call, wallets):
    source, destination = wallets

    outcome = call(agent_key, "create_transfer", transfer(source, destination, 1_001))

    approval = AgentApproval.objects.get()
    assert outcome.status == "pending_approval"
    assert outcome.body == {"status": "pending_approval", "approval": approval.id}
    assert approval.id.startswith("appr_")
    assert (approval.tool, approval.amount, approval.currency, approval.status) == (
        "create_transfer",
        1_001,
        "usd",
        "pending",
    )
    assert approval.arguments == transfer(source, destination, 1_001)
    assert approval.api_key_id == agent_key.api_key.id
    assert approval.idempotency_key.startswith("mcp_create_transfer_")
    assert Transfer.objects.count() == 0
    assert balance_of(source) == (10_000, 0)
    assert AgentSpend.objects.count() == 0
    # The approval owns the call's idempotency record: it answers "pending" until the call ran.
    record = IdempotencyRecord.objects.get()
    assert (record.key, record.response_status, record.response_body) == (
        approval.idempotency_key,
        202,
        {"status": "pending_approval", "approval": approval.id},
    )
    assert list(
        Event.objects.filter(object_id=approval.id).values_list("type", "data__object__status")
    ) == [("agent.approval_requested", "pending")]


def test_at_the_threshold_the_call_runs(agent_key, call, wallets):
    source, destination = wallets

    outcome = call(agent_key, "create_transfer", transfer(source, destination, 1_000))

    assert outcome.body["object"] == "transfer"
    assert AgentApproval.objects.count() == 0


def test_a_retried_call_gets_the_same_approval(agent_key, call, wallets):
    source, destination = wallets

    first = call(agent_key, "create_transfer", transfer(source, destination, 5_000))
    again = call(agent_key, "create_transfer", transfer(source, destination, 5_000))

    assert again.body == first.body
    assert AgentApproval.objects.count() == 1


def test_staff_approval_runs_the_call_once(agent_key, call, wallets, staff_client, staff_user):
    source, destination = wallets
    pending = call(agent_key, "create_transfer", transfer(source, destination, 5_000)).body

    response = approve(staff_client, pending["approval"], reason="expected invoice")
    retried = call(agent_key, "create_transfer", transfer(source, destination, 5_000))
    twice = approve(staff_client, pending["approval"])
    learned = call(agent_key, "get_approval", {"id": pending["approval"]}).body

    assert response.status_code == 200
    decided = response.json()
    made = Transfer.objects.get()
    assert (decided["status"], decided["decided_by"], decided["reason"]) == (
        "executed",
        f"user:{staff_user.pk}",
        "expected invoice",
    )
    assert decided["result"]["id"] == made.id
    assert (made.amount, balance_of(source), balance_of(destination)) == (
        5_000,
        (5_000, 0),
        (5_000, 0),
    )
    assert retried.body == decided["result"]
    assert retried.replayed
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "approval_not_pending"
    assert learned == decided
    events = Event.objects.filter(object_id=pending["approval"]).order_by("id")
    assert [(e.type, e.data["object"]["status"]) for e in events] == [
        ("agent.approval_requested", "pending"),
        ("agent.approval_decided", "executed"),
    ]
    approved = AuditEntry.objects.get(action="agent_approval.approved")
    assert (approved.actor_type, approved.actor_id, approved.object_id) == (
        "user",
        f"user:{staff_user.pk}",
        pending["approval"],
    )
    executed = AuditEntry.objects.get(action="transfer.created")
    assert (executed.actor_id, executed.object_id) == (agent_key.api_key.id, made.id)


def test_rejection_moves_nothing_and_the_agent_learns_it(agent_key, call, wallets, staff_client):
    source, destination = wallets
    pending = call(agent_key, "create_transfer", transfer(source, destination, 5_000)).body

    response = staff_client.post(
        f"/api/v1/agent_approvals/{pending['approval']}/reject", {"reason": "no"}, format="json"
    )
    retried = call(agent_key, "create_transfer", transfer(source, destination, 5_000))

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["result"]) == ("rejected", None)
    assert Transfer.objects.count() == 0
    assert retried.body["error"]["code"] == "approval_rejected"
    assert AuditEntry.objects.filter(action="agent_approval.rejected").count() == 1
    assert Event.objects.filter(type="agent.approval_decided").count() == 1


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("finance", 200), ("viewer", 403)])
def test_merchant_admin_and_finance_users_decide(merchant, agent_key, call, wallets, role, status):
    source, destination = wallets
    pending = call(agent_key, "create_transfer", transfer(source, destination, 5_000)).body
    member = MembershipFactory(merchant=merchant, role=role).user

    response = approve(bearer_client(jwt_for(member)), pending["approval"])

    assert response.status_code == status
    assert Transfer.objects.count() == (1 if status == 200 else 0)


def test_an_api_key_never_decides_not_even_the_agents_own(
    merchant, agent_key, call, wallets, client_for
):
    source, destination = wallets
    pending = call(agent_key, "create_transfer", transfer(source, destination, 5_000)).body

    response = approve(client_for(merchant), pending["approval"])

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert AgentApproval.objects.get().status == "pending"


def test_another_merchants_admin_sees_no_such_approval(
    other_merchant, agent_key, call, wallets, member_client
):
    source, destination = wallets
    pending = call(agent_key, "create_transfer", transfer(source, destination, 5_000)).body

    response = approve(member_client(other_merchant, "admin"), pending["approval"])

    assert response.status_code == 404
    assert Transfer.objects.count() == 0


def test_approval_lifts_the_threshold_not_the_daily_limit(
    merchant, agent, call, wallets, staff_client
):
    source, destination = wallets
    context = agent(merchant, approval_above=1_000, daily_limit={"usd": 3_000})
    pending = call(context, "create_transfer", transfer(source, destination, 2_000)).body
    call(context, "create_transfer", transfer(source, destination, 1_000))
    call(context, "create_transfer", transfer(source, destination, 999))

    decided = approve(staff_client, pending["approval"]).json()

    assert decided["status"] == "failed"
    assert decided["result"]["error"]["code"] == "agent_policy_violation"
    assert Transfer.objects.count() == 2
    assert AgentSpend.objects.get().amount == 1_999


def test_approving_a_revoked_keys_call_runs_nothing(agent_key, call, wallets, staff_client):
    source, destination = wallets
    pending = call(agent_key, "create_transfer", transfer(source, destination, 5_000)).body
    ApiKey.objects.filter(pk=agent_key.api_key.pk).update(revoked_at=timezone.now())

    decided = approve(staff_client, pending["approval"]).json()

    assert (decided["status"], decided["result"]["error"]["code"]) == ("failed", "api_key_inactive")
    assert Transfer.objects.count() == 0


def test_list_approvals_for_deciders_and_keys_with_events_read(
    merchant, agent_key, call, wallets, member_client, client_for
):
    source, destination = wallets
    pending = call(agent_key, "create_transfer", transfer(source, destination, 5_000)).body

    listed = member_client(merchant, "finance").get("/api/v1/agent_approvals?status=pending")
    by_key = client_for(merchant, "events:read").get("/api/v1/agent_approvals")
    refused = client_for(merchant, "wallets:read").get("/api/v1/agent_approvals")
    none_done = member_client(merchant, "finance").get("/api/v1/agent_approvals?status=executed")

    assert [row["id"] for row in listed.json()["data"]] == [pending["approval"]]
    assert listed.json()["data"][0]["object"] == "agent_approval"
    assert [row["id"] for row in by_key.json()["data"]] == [pending["approval"]]
    assert refused.status_code == 403
    assert none_done.json()["data"] == []


def test_admin_action_approves_and_runs(agent_key, call, wallets, client):
    source, destination = wallets
    pending = call(agent_key, "create_transfer", transfer(source, destination, 5_000)).body
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)

    response = client.post(
        "/admin/agents/agentapproval/",
        {"action": "approve", "_selected_action": [pending["approval"]]},
        follow=True,
    )

    assert response.status_code == 200
    approval = AgentApproval.objects.get()
    assert (approval.status, approval.decided_by_id) == ("executed", staff.pk)
    assert Transfer.objects.count() == 1
    assert AuditEntry.objects.get(action="agent_approval.approved").actor_id == f"user:{staff.pk}"
