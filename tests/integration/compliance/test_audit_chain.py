"""Sealing and verifying the audit chain against committed transactions (real PostgreSQL).

Sealing only chains rows of transactions older than the oldest one still running anywhere in the
cluster, so these tests commit for real (transaction=True) and seal until the condition holds:
another session's short transaction may hold sealing back for a moment.
"""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from compliance.chain import GENESIS_HASH, entry_hash
from compliance.models import AuditEntry
from compliance.selectors.audit import VerifyResult, audit_verify
from compliance.services.audit import audit_seal
from mcp_payments.audit.records import audit_record

pytestmark = pytest.mark.django_db(transaction=True)

CONTENT = (
    "id", "seq", "txid", "created", "merchant_id", "actor_type", "actor_id", "action",
    "object_type", "object_id", "before", "after", "request_id", "ip",
)  # fmt: skip


def _record(object_id: str, action: str = "customer.updated") -> None:
    audit_record(
        context=None,
        action=action,
        object_type="customer",
        object_id=object_id,
        merchant_id="mer_1",
        after={"name": object_id},
    )


def _commit(*object_ids: str) -> None:
    with transaction.atomic():
        for object_id in object_ids:
            _record(object_id)


def _seal_until(done: Callable[[], bool], timeout: float = 15.0) -> int:
    sealed = audit_seal()
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "sealing stayed blocked by an open transaction"
        time.sleep(0.05)
        sealed += audit_seal()
    return sealed


def _all_sealed() -> bool:
    return not AuditEntry.objects.filter(hash__isnull=True).exists()


def _chain() -> list[AuditEntry]:
    return list(AuditEntry.objects.order_by("chain_position"))


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE compliance_auditentry DISABLE TRIGGER ALL")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("ALTER TABLE compliance_auditentry ENABLE TRIGGER ALL")


def test_rows_of_committed_transactions_are_chained_in_transaction_then_insertion_order():
    # given three committed transactions writing 2, 1 and 2 rows
    _commit("cus_a", "cus_b")
    _commit("cus_c")
    _commit("cus_d", "cus_e")

    # when the log is sealed
    sealed = _seal_until(_all_sealed)

    # then every row is chained by (txid, seq), each linked to the previous hash
    chain = _chain()
    assert sealed == 5
    assert [entry.object_id for entry in chain] == ["cus_a", "cus_b", "cus_c", "cus_d", "cus_e"]
    assert [entry.chain_position for entry in chain] == [1, 2, 3, 4, 5]
    assert [(entry.txid, entry.seq) for entry in chain] == sorted(
        (entry.txid, entry.seq) for entry in chain
    )
    prev = GENESIS_HASH
    for entry in chain:
        content = {name: getattr(entry, name) for name in CONTENT}
        assert entry.prev_hash == prev
        assert entry.hash == entry_hash(
            content=content, prev_hash=prev, chain_position=entry.chain_position
        )
        prev = entry.hash
    assert audit_verify() == VerifyResult(ok=True, checked=5)
    assert audit_seal() == 0


def test_a_later_seal_continues_the_chain_from_its_last_hash():
    # given a sealed chain of two
    _commit("cus_a", "cus_b")
    _seal_until(_all_sealed)
    last = _chain()[-1]

    # when another row is committed and sealed
    _commit("cus_c")
    sealed = _seal_until(_all_sealed)

    # then it extends the chain
    entry = AuditEntry.objects.get(object_id="cus_c")
    assert sealed == 1
    assert (entry.chain_position, entry.prev_hash) == (3, last.hash)
    assert audit_verify() == VerifyResult(ok=True, checked=3)


def test_rows_wait_while_an_older_transaction_is_open_and_keep_transaction_order():
    # given a committed row, then an open transaction that wrote a row
    _commit("cus_old")
    written, release = threading.Event(), threading.Event()

    def open_transaction() -> None:
        try:
            with transaction.atomic():
                _record("cus_open")
                written.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=open_transaction)
    thread.start()
    try:
        assert written.wait(timeout=10)
        # and a newer transaction that commits before the open one
        _commit("cus_newer")

        # when the log is sealed
        _seal_until(lambda: AuditEntry.objects.get(object_id="cus_old").hash is not None)

        # then neither the open transaction's row nor the newer committed one is sealed
        unsealed = AuditEntry.objects.filter(hash__isnull=True).values_list("object_id", flat=True)
        assert sorted(unsealed) == ["cus_newer"]
        assert AuditEntry.objects.filter(chain_position__isnull=False).count() == 1
    finally:
        release.set()
        thread.join(timeout=30)

    # when the open transaction commits and the log is sealed again
    _seal_until(_all_sealed)

    # then the older transaction's row precedes the newer one though it committed later
    assert [entry.object_id for entry in _chain()] == ["cus_old", "cus_open", "cus_newer"]
    assert audit_verify() == VerifyResult(ok=True, checked=3)


def test_verify_reports_the_entry_whose_content_was_altered():
    # given a sealed chain of three
    _commit("cus_a", "cus_b", "cus_c")
    _seal_until(_all_sealed)
    second = _chain()[1]

    # when the second entry's `after` is altered behind the triggers' back
    _tamper(
        "UPDATE compliance_auditentry SET after = %s::jsonb WHERE id = %s",
        ['{"name": "someone else"}', second.id],
    )

    # then verification stops at it
    assert audit_verify() == VerifyResult(
        ok=False,
        checked=1,
        first_broken_position=2,
        first_broken_id=second.id,
        reason="hash does not match the entry's content.",
    )


def test_verify_reports_a_missing_entry():
    # given a sealed chain of three
    _commit("cus_a", "cus_b", "cus_c")
    _seal_until(_all_sealed)
    second, third = _chain()[1:]

    # when the second entry is deleted behind the triggers' back
    _tamper("DELETE FROM compliance_auditentry WHERE id = %s", [second.id])

    # then verification stops at the entry after the gap
    assert audit_verify() == VerifyResult(
        ok=False,
        checked=1,
        first_broken_position=3,
        first_broken_id=third.id,
        reason="chain_position 2 is missing (next found: 3).",
    )


def test_verify_reports_a_rewritten_link():
    # given a sealed chain of two whose second entry gets a recomputed hash over a forged link
    _commit("cus_a", "cus_b")
    _seal_until(_all_sealed)
    second = _chain()[1]
    content = {name: getattr(second, name) for name in CONTENT}
    forged = entry_hash(content=content, prev_hash=GENESIS_HASH, chain_position=2)
    _tamper(
        "UPDATE compliance_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
        [GENESIS_HASH, forged, second.id],
    )

    # then verification reports the broken link
    assert audit_verify() == VerifyResult(
        ok=False,
        checked=1,
        first_broken_position=2,
        first_broken_id=second.id,
        reason="prev_hash does not match the hash of the previous entry.",
    )


def test_an_empty_log_verifies():
    assert audit_seal() == 0
    assert audit_verify() == VerifyResult(ok=True, checked=0)
