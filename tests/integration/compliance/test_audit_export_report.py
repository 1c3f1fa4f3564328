"""The audit_export compliance report verifies the hash chain and reports a tampered entry
(committed transactions: sealing only chains rows of finished transactions)."""

import time

import pytest
from django.db import connection, transaction

from compliance.models import AuditEntry
from compliance.reports.services import compliance_report_generate, compliance_report_request
from compliance.services.audit import audit_seal
from mcp_payments.accounts.context import system_context
from mcp_payments.audit.records import audit_record

pytestmark = pytest.mark.django_db(transaction=True)


def _record(object_id: str) -> None:
    with transaction.atomic():
        audit_record(
            context=None,
            action="customer.updated",
            object_type="customer",
            object_id=object_id,
            merchant_id="mer_1",
            after={"name": object_id},
        )


def _seal_all(timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    audit_seal()
    while AuditEntry.objects.filter(hash__isnull=True).exists():
        assert time.monotonic() < deadline, "sealing stayed blocked by an open transaction"
        time.sleep(0.05)
        audit_seal()


def _export() -> dict:
    report = compliance_report_request(
        context=system_context(),
        kind="audit_export",
        period_start="2000-01-01",
        period_end="2000-12-31",
    )
    # The period holds no entries: the verification still covers the whole chain.
    return compliance_report_generate(report_id=report.id).verification


def test_the_audit_export_verifies_the_chain_and_reports_a_tampered_row():
    for name in ("a", "b", "c"):
        _record(name)
    _seal_all()
    intact = _export()
    assert intact["ok"] is True
    assert intact["checked"] >= 3

    tampered = AuditEntry.objects.get(object_id="b", action="customer.updated")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE compliance_auditentry DISABLE TRIGGER ALL")
        try:
            cursor.execute(
                'UPDATE compliance_auditentry SET after = \'{"name": "z"}\'::jsonb WHERE id = %s',
                [tampered.id],
            )
        finally:
            cursor.execute("ALTER TABLE compliance_auditentry ENABLE TRIGGER ALL")
    _seal_all()
    broken = _export()
    assert broken["ok"] is False
    assert broken["first_broken_id"] == tampered.id
    assert broken["first_broken_position"] == tampered.chain_position
    assert broken["reason"] == "hash does not match the entry's content."
