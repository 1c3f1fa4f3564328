"""Maker-checker adjustments and the ledger back office, driven through the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from compliance.models import AuditEntry
from mcp_payments.events.models import Event
from tests.fixtures.ledger import balance_of
from wallets.models import Adjustment, Wallet

pytestmark = pytest.mark.django_db


def staff_client(username):
    user = get_user_model().objects.create_user(username, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_an_adjustment_needs_a_second_staff_member(make_wallet):
    wallet = make_wallet()
    maker, checker = staff_client("maker"), staff_client("checker")
    response = maker.post(
        "/admin/wallets/adjustment/add/",
        {"wallet": wallet.id, "direction": "credit", "amount": 2500, "reason": "goodwill"},
    )
    assert response.status_code == 302
    adjustment = Adjustment.objects.get()
    assert adjustment.status == "pending_approval"
    assert balance_of(wallet) == (0, 0)

    action = {"action": "approve", "_selected_action": [adjustment.id]}
    maker.post("/admin/wallets/adjustment/", action, follow=True)
    adjustment.refresh_from_db()
    assert adjustment.status == "pending_approval"
    assert balance_of(wallet) == (0, 0)

    checker.post("/admin/wallets/adjustment/", action, follow=True)
    adjustment.refresh_from_db()
    assert adjustment.status == "approved"
    assert adjustment.decided_by.username == "checker"
    assert balance_of(wallet) == (2500, 0)
    actions = list(
        AuditEntry.objects.filter(object_id=adjustment.id)
        .order_by("seq")
        .values_list("action", "actor_type")
    )
    assert actions == [("adjustment.requested", "user"), ("adjustment.approved", "user")]
    event = Event.objects.get(type="adjustment.approved", object_id=adjustment.id)
    assert (event.merchant_id, event.data["object"]["amount"]) == (wallet.merchant_id, 2500)
    assert event.data["object"]["entry"] == adjustment.entry_id


def test_a_debit_adjustment_cannot_overdraw(make_wallet):
    wallet = make_wallet(100)
    maker, checker = staff_client("maker"), staff_client("checker")
    maker.post(
        "/admin/wallets/adjustment/add/",
        {"wallet": wallet.id, "direction": "debit", "amount": 101, "reason": "reversal"},
    )
    adjustment = Adjustment.objects.get(direction="debit")
    response = checker.post(
        "/admin/wallets/adjustment/",
        {"action": "approve", "_selected_action": [adjustment.id]},
        follow=True,
    )
    assert "insufficient available funds" in response.content.decode()
    adjustment.refresh_from_db()
    assert adjustment.status == "pending_approval"
    assert balance_of(wallet) == (100, 0)


def test_admin_freezes_wallets_and_shows_the_ledger_read_only(make_wallet):
    wallet = make_wallet(300)
    admin = staff_client("ops")
    admin.post("/admin/wallets/wallet/", {"action": "freeze", "_selected_action": [wallet.id]})
    assert Wallet.objects.get(pk=wallet.pk).status == "frozen"
    page = admin.get(f"/admin/wallets/ledgeraccount/{wallet.account_id}/change/")
    assert page.status_code == 200
    assert 'balance <span class="tabular-nums whitespace-nowrap">$3.00</span>' in (
        page.content.decode()
    )
    assert admin.get("/admin/wallets/journalentry/").status_code == 200
    assert admin.get("/admin/wallets/posting/").status_code == 200
    assert admin.get("/admin/wallets/ledgeraccount/add/").status_code == 403
