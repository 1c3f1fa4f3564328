"""What the database itself refuses, whoever writes: unbalanced entries, changed or deleted
postings; and what ledger_verify reports."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from wallets.models import JournalEntry, Posting

pytestmark = pytest.mark.django_db(transaction=True)


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# An entry written by raw SQL has no event: the journal guard (tests/fixtures/journal_guard.py)
# is off so that the ledger's own check is the one seen.
@pytest.mark.usefixtures("journal_entries_without_events")
def test_an_unbalanced_entry_written_by_raw_sql_fails_at_commit(make_wallet):
    wallet = make_wallet()
    with pytest.raises(DatabaseError, match="does not balance"), transaction.atomic():
        raw(
            "INSERT INTO wallets_journalentry (id, kind, description, reference_id, created)"
            " VALUES ('je_raw', 'raw', '', '', now())"
        )
        raw(
            "INSERT INTO wallets_posting (entry_id, account_id, amount, currency, type, created)"
            " VALUES ('je_raw', %s, 100, 'usd', 'posted', now())",
            [wallet.account_id],
        )
        # The statement succeeds: the check is deferred to commit.
    assert not JournalEntry.objects.filter(pk="je_raw").exists()


def test_postings_and_entries_cannot_be_changed_or_deleted(make_wallet):
    make_wallet(500)
    posting = Posting.objects.first()
    for statement in (
        "UPDATE wallets_posting SET amount = amount + 1 WHERE id = %s",
        "DELETE FROM wallets_posting WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            raw(statement, [posting.id])
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        raw("UPDATE wallets_journalentry SET kind = 'x' WHERE id = %s", [posting.entry_id])
    assert Posting.objects.get(pk=posting.pk).amount == posting.amount


def test_ledger_verify_reports_a_tampered_balance_and_exits_non_zero(make_wallet):
    wallet = make_wallet(500)
    out = StringIO()
    call_command("ledger_verify", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True
    raw(
        "UPDATE wallets_accountbalance SET credits_posted = credits_posted + 1"
        " WHERE account_id = %s",
        [wallet.account_id],
    )
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("ledger_verify", stdout=out)
    assert exited.value.code == 1
    report = json.loads(out.getvalue())
    assert report["ok"] is False
    assert [m["account"] for m in report["balance_mismatches"]] == [wallet.account_id]
    assert report["balance_mismatches"][0]["materialized"][1] == 501
    assert report["balance_mismatches"][0]["from_postings"][1] == 500
