"""Transfers through the HTTP API: immediate, held, posted, voided, expired; refusals change
nothing."""

import pytest
from django.core.management import call_command

from compliance.models import AuditEntry
from mcp_payments.events.models import Event
from tests.fixtures.ledger import balance_of
from wallets.ledger import platform_account
from wallets.models import JournalEntry, Transfer
from wallets.selectors import account_balance
from wallets.tasks import expire_holds

pytestmark = pytest.mark.django_db


def transfer(api, source, destination, amount, **extra):
    body = {
        "source_wallet": source.id,
        "destination_wallet": destination.id,
        "amount": amount,
        "currency": "usd",
        **extra,
    }
    return api.post("/api/v1/transfers", body, format="json")


def snapshot():
    return (
        JournalEntry.objects.count(),
        Transfer.objects.count(),
        Event.objects.count(),
        AuditEntry.objects.count(),
    )


def test_immediate_transfer_moves_funds_with_one_balanced_entry(api, make_wallet):
    source, destination = make_wallet(1000), make_wallet()
    response = transfer(api, source, destination, 400, description="rent")
    assert response.status_code == 201
    body = response.json()
    assert (body["object"], body["status"], body["amount"], body["amount_posted"]) == (
        "transfer",
        "posted",
        400,
        400,
    )
    assert balance_of(source) == (600, 0)
    assert balance_of(destination) == (400, 0)
    entry = JournalEntry.objects.get(pk=body["final_entry"])
    assert sorted(p.amount for p in entry.postings.all()) == [-400, 400]
    types = list(
        Event.objects.filter(object_id=body["id"]).order_by("id").values_list("type", flat=True)
    )
    assert types == ["transfer.created", "transfer.posted"]
    assert AuditEntry.objects.get(object_id=body["id"]).action == "transfer.created"


def test_insufficient_funds_is_409_and_changes_nothing(api, make_wallet):
    source, destination = make_wallet(100), make_wallet()
    before = snapshot()
    response = transfer(api, source, destination, 101)
    assert response.status_code == 409
    assert response.json()["error"]["type"] == "conflict_error"
    assert response.json()["error"]["code"] == "insufficient_funds"
    assert balance_of(source) == (100, 0)
    assert balance_of(destination) == (0, 0)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "status", "code", "param"),
    [
        ({"amount": "10"}, 400, "parameter_invalid", "amount"),
        ({"amount": 10.0}, 400, "parameter_invalid", "amount"),
        ({"amount": 0}, 400, "amount_too_small", "amount"),
        ({"amount": 100_000_000_000}, 400, "amount_too_large", "amount"),
        ({"currency": "eur"}, 400, "currency_mismatch", "currency"),
        ({"destination_wallet": "SOURCE"}, 400, "transfer_same_wallet", "destination_wallet"),
        ({"destination_wallet": "wal_missing"}, 404, "resource_missing", "destination_wallet"),
        ({"hold_expires_in": 60}, 400, "parameter_invalid", "hold_expires_in"),
        (
            {"application_fee_amount": 11},
            400,
            "application_fee_exceeds_amount",
            "application_fee_amount",
        ),
        ({"colour": "red"}, 400, "parameter_unknown", "colour"),
    ],
)
def test_bad_transfers_are_refused_with_param(api, make_wallet, change, status, code, param):
    source, destination = make_wallet(1000), make_wallet()
    body = {
        "source_wallet": source.id,
        "destination_wallet": destination.id,
        "amount": 10,
        "currency": "usd",
        **change,
    }
    if body["destination_wallet"] == "SOURCE":
        body["destination_wallet"] = source.id
    before = snapshot()
    response = api.post("/api/v1/transfers", body, format="json")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["param"] == param
    assert snapshot() == before
    assert balance_of(source) == (1000, 0)


def test_foreign_source_wallet_is_404(client_for, other_merchant, make_wallet, merchant):
    mine = make_wallet(100)
    theirs_client = client_for(other_merchant)
    response = theirs_client.post(
        "/api/v1/transfers",
        {"source_wallet": mine.id, "destination_wallet": "wal_x", "amount": 1, "currency": "usd"},
        format="json",
    )
    assert response.status_code == 404
    assert response.json()["error"]["param"] == "source_wallet"


def test_hold_reduces_available_at_once_and_posts_for_less(api, make_wallet):
    source, destination = make_wallet(1000), make_wallet()
    held = transfer(api, source, destination, 600, pending=True, hold_expires_in=3600).json()
    assert held["status"] == "pending"
    assert held["hold_expires_at"] is not None
    assert balance_of(source) == (400, 0)
    assert balance_of(destination) == (0, 600)
    refused = transfer(api, source, destination, 401)
    assert refused.json()["error"]["code"] == "insufficient_funds"
    too_much = api.post(f"/api/v1/transfers/{held['id']}/post", {"amount": 601}, format="json")
    assert too_much.status_code == 400
    assert too_much.json()["error"]["code"] == "amount_exceeds_hold"
    posted = api.post(f"/api/v1/transfers/{held['id']}/post", {"amount": 250}, format="json")
    assert posted.status_code == 200
    assert (posted.json()["status"], posted.json()["amount_posted"]) == ("posted", 250)
    assert balance_of(source) == (750, 0)
    assert balance_of(destination) == (250, 0)
    twice = api.post(f"/api/v1/transfers/{held['id']}/post", {}, format="json")
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "transfer_not_pending"
    void_after = api.post(f"/api/v1/transfers/{held['id']}/void")
    assert void_after.status_code == 409


def test_void_releases_the_hold(api, make_wallet):
    source, destination = make_wallet(1000), make_wallet()
    held = transfer(api, source, destination, 600, pending=True).json()
    voided = api.post(f"/api/v1/transfers/{held['id']}/void")
    assert voided.status_code == 200
    assert voided.json()["status"] == "voided"
    assert balance_of(source) == (1000, 0)
    assert balance_of(destination) == (0, 0)
    assert api.post(f"/api/v1/transfers/{held['id']}/void").status_code == 409
    assert Event.objects.filter(object_id=held["id"], type="transfer.voided").count() == 1


def test_expired_holds_are_voided_by_the_beat_job(api, make_wallet, time_machine):
    source, destination = make_wallet(1000), make_wallet()
    time_machine.move_to("2026-03-01T00:00:00Z")
    short = transfer(api, source, destination, 100, pending=True, hold_expires_in=60).json()
    long = transfer(api, source, destination, 200, pending=True, hold_expires_in=3600).json()
    time_machine.move_to("2026-03-01T00:01:01Z")
    assert expire_holds.apply().get() == 1
    assert Transfer.objects.get(pk=short["id"]).status == "voided"
    assert Transfer.objects.get(pk=long["id"]).status == "pending"
    assert balance_of(source) == (800, 0)
    assert (
        AuditEntry.objects.get(object_id=short["id"], action="transfer.expired").actor_type
        == "system"
    )


def test_application_fee_goes_to_the_platform_fee_account(api, make_wallet):
    source, destination = make_wallet(1000), make_wallet()
    response = transfer(api, source, destination, 500, application_fee_amount=25)
    assert response.status_code == 201
    assert balance_of(source) == (500, 0)
    assert balance_of(destination) == (475, 0)
    fees = account_balance(platform_account("platform_fees", "usd"))
    assert fees.balance == 25


def test_transfer_list_and_detail(api, make_wallet):
    source, destination = make_wallet(1000), make_wallet()
    first = transfer(api, source, destination, 1).json()
    second = transfer(api, destination, source, 1).json()
    listed = api.get(f"/api/v1/transfers?wallet={source.id}").json()["data"]
    assert [t["id"] for t in listed] == [second["id"], first["id"]]
    assert api.get(f"/api/v1/transfers/{first['id']}").json() == first


def test_ledger_verify_is_clean_after_transfers(api, make_wallet, capsys):
    source, destination = make_wallet(1000), make_wallet()
    transfer(api, source, destination, 300)
    held = transfer(api, source, destination, 300, pending=True).json()
    api.post(f"/api/v1/transfers/{held['id']}/post", {"amount": 100}, format="json")
    call_command("ledger_verify")
    assert '"ok": true' in capsys.readouterr().out


def test_the_hot_fee_account_spreads_over_shards_and_sums_on_read(api, make_wallet, staff_client):
    source, destination = make_wallet(10_000), make_wallet()
    for _ in range(40):
        assert transfer(api, source, destination, 10, application_fee_amount=1).status_code == 201
    fees = platform_account("platform_fees", "usd")
    shards = list(fees.shards.values_list("credits_posted", flat=True))
    assert len(shards) == 16
    assert sum(shards) == 40
    assert sum(1 for credits in shards if credits) > 1
    assert account_balance(fees).balance == 40
    shown = staff_client.get(f"/api/v1/ledger/accounts/{fees.id}").json()
    assert shown["balance"]["balance"] == 40
    assert shown["merchant"] is None
