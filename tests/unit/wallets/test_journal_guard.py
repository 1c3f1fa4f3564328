"""The test guard of tests/fixtures/journal_guard.py: a journal entry posted in a transaction
that writes no outbox event fails the test (in Django's per-test transaction, where the block
ends; in a test that commits, at the commit itself); the services pass it."""

import pytest
from django.db import DatabaseError, transaction

from mcp_payments.accounts.context import AuthContext
from mcp_payments.events.services import emit
from tests.fixtures.journal_guard import MESSAGE
from wallets.ledger import Entry, credit, debit, platform_account, post_entry
from wallets.models import JournalEntry
from wallets.services.transfers import TransferRequest, transfer_create
from wallets.services.wallets import wallet_create

ERROR = rf"journal entry je_\w+ \(guard_test\) {MESSAGE}"


@pytest.fixture
def wallet(merchant):
    return wallet_create(
        context=AuthContext(merchant=merchant, scopes=frozenset({"wallets:write"})),
        currency="usd",
    )


def post_bare_entry(wallet) -> str:
    """A balanced entry, as a service would post it, but no event."""
    entry = Entry(
        kind="guard_test",
        legs=[debit(platform_account("platform_funding", "usd"), 100), credit(wallet.account, 100)],
        merchant_id=wallet.merchant_id,
        reference_id=wallet.id,
    )
    return post_entry(entry)


@pytest.mark.django_db
def test_an_entry_without_an_event_fails_where_its_transaction_ends(wallet, journal_guard):
    with pytest.raises(DatabaseError, match=ERROR), transaction.atomic():
        post_bare_entry(wallet)

    assert len(journal_guard.violations) == 1
    assert journal_guard.violations[0].startswith("journal entry je_")
    journal_guard.violations.clear()  # provoked on purpose: this test passes


@pytest.mark.django_db
def test_an_event_rolled_back_with_its_savepoint_does_not_count(wallet, journal_guard):
    with pytest.raises(DatabaseError, match=ERROR), transaction.atomic():
        post_bare_entry(wallet)
        with transaction.atomic():
            emit("wallet.updated", wallet)
            transaction.set_rollback(True)

    journal_guard.violations.clear()  # provoked on purpose: this test passes


@pytest.mark.django_db
def test_an_event_of_an_earlier_transaction_does_not_count(wallet, journal_guard):
    with transaction.atomic():
        emit("wallet.updated", wallet)

    with pytest.raises(DatabaseError, match=ERROR), transaction.atomic():
        post_bare_entry(wallet)

    journal_guard.violations.clear()  # provoked on purpose: this test passes


@pytest.mark.django_db(transaction=True)
def test_at_a_real_commit_an_entry_needs_its_event(wallet):
    with pytest.raises(DatabaseError, match=ERROR), transaction.atomic():
        refused = post_bare_entry(wallet)
    with transaction.atomic():
        accepted = post_bare_entry(wallet)
        emit("wallet.updated", wallet)

    assert list(JournalEntry.objects.filter(kind="guard_test").values_list("id", flat=True)) == [
        accepted
    ]
    assert refused != accepted


@pytest.mark.django_db
def test_a_service_posting_its_entry_and_event_passes(merchant, wallet, journal_guard):
    context = AuthContext(merchant=merchant, scopes=frozenset({"wallets:write"}))
    destination = wallet_create(context=context, currency="usd")
    with transaction.atomic():
        post_bare_entry(wallet)
        emit("wallet.updated", wallet)  # funds the wallet, with its event

    transfer = transfer_create(
        context=context,
        request=TransferRequest(
            source_wallet=wallet.id, destination_wallet=destination.id, amount=60, currency="usd"
        ),
    )

    assert transfer.status == "posted"
    assert journal_guard.violations == []
