"""The database refuses to change or delete audit rows, except sealing an unsealed one once."""

import time

import pytest
from django.db import IntegrityError, connection, transaction

from compliance.models import AuditEntry
from compliance.services.audit import audit_seal
from mcp_payments.audit.records import audit_record

pytestmark = pytest.mark.django_db(transaction=True)


def _committed_entry(object_id: str = "cus_1") -> AuditEntry:
    with transaction.atomic():
        audit_record(
            context=None,
            action="customer.updated",
            object_type="customer",
            object_id=object_id,
            merchant_id="mer_1",
            after={"name": "Ada"},
        )
    return AuditEntry.objects.get(object_id=object_id)


def _sealed_entry() -> AuditEntry:
    """Seal until the entry is chained (another session's open transaction may hold it back)."""
    entry = _committed_entry()
    deadline = time.monotonic() + 15
    while not audit_seal():
        assert time.monotonic() < deadline, "sealing stayed blocked by an open transaction"
        time.sleep(0.05)
    entry.refresh_from_db()
    assert entry.chain_position == 1
    return entry


def _execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _snapshot(entry: AuditEntry) -> dict:
    return AuditEntry.objects.filter(pk=entry.pk).values().get()


def test_a_sealed_entry_cannot_be_updated():
    # given a sealed entry
    entry = _sealed_entry()
    before = _snapshot(entry)

    # when its content or its chain columns are updated by raw SQL, then both are refused
    message = rf"append-only: UPDATE of audit entry {entry.pk} is not allowed"
    with pytest.raises(IntegrityError, match=message):
        _execute("UPDATE compliance_auditentry SET after = '{}'::jsonb WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match=message):
        _execute("UPDATE compliance_auditentry SET hash = %s WHERE id = %s", ["f" * 64, entry.pk])
    # and through the ORM
    with pytest.raises(IntegrityError, match=message):
        AuditEntry.objects.filter(pk=entry.pk).update(action="nothing.happened")

    # and nothing changed
    assert _snapshot(entry) == before


def test_a_sealed_entry_cannot_be_deleted():
    # given a sealed entry
    entry = _sealed_entry()
    before = _snapshot(entry)

    # when it is deleted by raw SQL or the ORM, then both are refused
    message = rf"append-only: DELETE of audit entry {entry.pk} is not allowed"
    with pytest.raises(IntegrityError, match=message):
        _execute("DELETE FROM compliance_auditentry WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match=message):
        AuditEntry.objects.filter(pk=entry.pk).delete()

    # and it is still there, unchanged
    assert _snapshot(entry) == before


def test_an_unsealed_entry_content_cannot_be_updated_even_while_sealing_it():
    # given a committed, unsealed entry
    entry = _committed_entry()
    before = _snapshot(entry)

    # when its content is updated alone, or together with chain columns, then it is refused
    message = rf"append-only: UPDATE of audit entry {entry.pk} is not allowed"
    with pytest.raises(IntegrityError, match=message):
        _execute("UPDATE compliance_auditentry SET after = '{}'::jsonb WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match=message):
        _execute(
            "UPDATE compliance_auditentry SET chain_position = 1, prev_hash = %s, hash = %s, "
            "object_id = 'cus_other' WHERE id = %s",
            ["0" * 64, "1" * 64, entry.pk],
        )
    # and a partial seal (hash without position and link) is refused too
    with pytest.raises(IntegrityError, match=message):
        _execute("UPDATE compliance_auditentry SET hash = %s WHERE id = %s", ["1" * 64, entry.pk])

    # and nothing changed
    assert _snapshot(entry) == before


def test_an_unsealed_entry_can_be_sealed_once():
    # given a committed, unsealed entry
    entry = _committed_entry()

    # when only its chain columns are set, then it is accepted
    _execute(
        "UPDATE compliance_auditentry SET chain_position = 1, prev_hash = %s, hash = %s "
        "WHERE id = %s",
        ["0" * 64, "1" * 64, entry.pk],
    )
    assert AuditEntry.objects.values_list("chain_position", "hash").get(pk=entry.pk) == (
        1,
        "1" * 64,
    )
