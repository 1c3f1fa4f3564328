"""The rest of the console: an agent approval's page (dry run, policy verdict, Approve and
Reject), AML alerts resolved with a note, the block list (add, remove), ledger entries with
their postings and amounts, and the admin index on unfold."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from compliance.alerts import alert_open
from compliance.models import Alert, AuditEntry, BlockListEntry
from compliance.services.block_list import BlockListForbidden, block_list_add
from mcp_payments.accounts.context import AuthContext
from mcp_payments.agents.models import AgentApproval
from mcp_payments.api.errors import InvalidRequest
from mcp_payments.events.models import Event
from tests.fixtures.backoffice import pending_approval
from wallets.models import Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops():
    return get_user_model().objects.create_user("ops", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(ops):
    client = Client()
    client.force_login(ops)
    return client


def test_index_is_the_styled_console(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "/static/unfold/css/styles.css" in html
    assert "MCP Payments back office" in html


def test_approval_page_shows_the_dry_run_and_verdict_then_approves(merchant, admin_client, ops):
    approval = pending_approval(merchant, amount=2_500, approval_above=1_000)
    page = admin_client.get(f"/admin/agents/agentapproval/{approval.id}/change/")
    html = page.content.decode()
    assert f"/admin/agents/agentapproval/{approval.id}/approve/" in html
    assert f"/admin/agents/agentapproval/{approval.id}/reject/" in html
    assert "Dry run: what approving would do" in html
    assert (
        '<strong>Moves</strong> <span class="tabular-nums whitespace-nowrap">$25.00</span>' in html
    )
    assert "<strong>Verdict</strong>: allowed<br><strong>Needs approval</strong>" in html
    assert "<strong>Approval above</strong>: <span" in html and "$10.00" in html
    assert "&quot;object&quot;: &quot;transfer&quot;" in html  # what it would create
    assert Transfer.objects.count() == 0  # the dry run left nothing

    confirm = admin_client.get(f"/admin/agents/agentapproval/{approval.id}/approve/")
    assert "Approve and run" in confirm.content.decode()
    done = admin_client.post(
        f"/admin/agents/agentapproval/{approval.id}/approve/", {"reason": "checked"}
    )
    assert done.status_code == 302
    approval.refresh_from_db()
    assert (approval.status, approval.reason, approval.decided_by_id) == (
        "executed",
        "checked",
        ops.pk,
    )
    assert Transfer.objects.get().amount == 2_500
    decided = AuditEntry.objects.get(action="agent_approval.approved")
    assert (decided.actor_type, decided.actor_id) == ("user", f"user:{ops.pk}")
    html = admin_client.get(f"/admin/agents/agentapproval/{approval.id}/change/").content.decode()
    assert f"{approval.id}/approve/" not in html  # decided: no buttons


def test_reject_from_the_page_runs_nothing(merchant, admin_client):
    approval = pending_approval(merchant)
    admin_client.post(f"/admin/agents/agentapproval/{approval.id}/reject/", {"reason": "no"})
    approval.refresh_from_db()
    assert (approval.status, approval.reason) == ("rejected", "no")
    assert Transfer.objects.count() == 0
    events = Event.objects.count()
    again = admin_client.post(f"/admin/agents/agentapproval/{approval.id}/approve/", {})
    assert "This approval is rejected." in again.content.decode()
    assert Event.objects.count() == events
    assert AgentApproval.objects.get().status == "rejected"


def test_alerts_resolve_with_a_note(admin_client):
    alert = alert_open(
        kind="large_transaction",
        severity="high",
        dedupe_key="t-1",
        object_id="pay_x",
        details={"amount": 2_000_000},
    )
    listing = admin_client.get("/admin/compliance/alert/").content.decode()
    assert alert.id in listing
    page = admin_client.get(f"/admin/compliance/alert/{alert.id}/change/").content.decode()
    assert f"/admin/compliance/alert/{alert.id}/resolve/" in page
    assert "<strong>amount</strong>: 2000000" in page
    missing_note = admin_client.post(f"/admin/compliance/alert/{alert.id}/resolve/", {})
    assert missing_note.status_code == 200
    assert Alert.objects.get().status == "open"
    done = admin_client.post(
        f"/admin/compliance/alert/{alert.id}/resolve/", {"note": "customer KYC re-checked"}
    )
    assert done.status_code == 302
    assert Alert.objects.get().status == "resolved"
    audit = AuditEntry.objects.get(action="compliance.alert_resolved")
    assert audit.after["note"] == "customer KYC re-checked"
    assert Event.objects.filter(type="compliance.alert_resolved").count() == 1
    again = admin_client.post(f"/admin/compliance/alert/{alert.id}/resolve/", {"note": "x"})
    assert "This alert is already resolved." in again.content.decode()
    assert AuditEntry.objects.filter(action="compliance.alert_resolved").count() == 1


def test_block_list_add_and_remove_through_the_service(admin_client, ops):
    added = admin_client.post(
        "/admin/compliance/blocklistentry/add/",
        {
            "kind": "email",
            "value": " fraud@example.com ",
            "merchant_id": "",
            "reason": "chargebacks",
        },
    )
    assert added.status_code == 302
    entry = BlockListEntry.objects.get()
    assert (entry.kind, entry.value, entry.merchant_id) == ("email", "fraud@example.com", None)
    audit = AuditEntry.objects.get(action="block_list.added")
    assert (audit.actor_id, audit.after["value"]) == (f"user:{ops.pk}", "fraud@example.com")
    listing = admin_client.get("/admin/compliance/blocklistentry/").content.decode()
    assert "all merchants" in listing
    assert (
        admin_client.get(f"/admin/compliance/blocklistentry/{entry.pk}/delete/").status_code == 403
    )
    admin_client.post(
        "/admin/compliance/blocklistentry/",
        {"action": "remove_entries", "_selected_action": [entry.pk]},
    )
    assert BlockListEntry.objects.count() == 0
    removed = AuditEntry.objects.get(action="block_list.removed")
    assert removed.before == {
        "kind": "email",
        "value": "fraud@example.com",
        "reason": "chargebacks",
    }


def test_block_list_service_refuses_bad_input_and_non_staff(merchant):
    staff = AuthContext(merchant=None, scopes=frozenset(), is_platform_staff=True)
    with pytest.raises(InvalidRequest, match=r"A value to block is required\."):
        block_list_add(context=staff, kind="email", value="  ")
    with pytest.raises(InvalidRequest, match="Unknown block list kind"):
        block_list_add(context=staff, kind="ip", value="1.2.3.4")
    with pytest.raises(BlockListForbidden):
        block_list_add(
            context=AuthContext(merchant=merchant, scopes=frozenset({"*"})),
            kind="email",
            value="a@b.c",
        )
    assert BlockListEntry.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_journal_entries_show_amounts_and_postings(merchant, admin_client):
    pending_approval(merchant)  # funds a wallet: one adjustment entry
    html = admin_client.get("/admin/wallets/journalentry/").content.decode()
    assert ">$100.00</span>" in html  # the entry's amount, and the debit posting
    assert ">-$100.00</span>" in html  # the credit posting
