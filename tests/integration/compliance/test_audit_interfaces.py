"""The other interfaces of the chain check: `manage.py audit_verify`, Celery tasks, the admin."""

import json
import logging
import os
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client, RequestFactory

from compliance.models import AuditEntry
from compliance.services.audit import audit_seal
from compliance.tasks import seal_audit_log, verify_audit_log
from mcp_payments.audit.records import audit_record

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "/admin/audit/auditentry/"


def _commit(*object_ids: str) -> None:
    with transaction.atomic():
        for object_id in object_ids:
            audit_record(
                context=None,
                action="customer.updated",
                object_type="customer",
                object_id=object_id,
                after={"name": object_id},
            )


def _seal_all() -> int:
    sealed, deadline = audit_seal(), time.monotonic() + 15
    while AuditEntry.objects.filter(hash__isnull=True).exists():
        assert time.monotonic() < deadline, "sealing stayed blocked by an open transaction"
        time.sleep(0.05)
        sealed += audit_seal()
    return sealed


def _break_second_entry() -> AuditEntry:
    second = AuditEntry.objects.get(chain_position=2)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE compliance_auditentry DISABLE TRIGGER ALL")
        try:
            cursor.execute(
                "UPDATE compliance_auditentry SET object_id = 'cus_forged' WHERE id = %s",
                [second.id],
            )
        finally:
            cursor.execute("ALTER TABLE compliance_auditentry ENABLE TRIGGER ALL")
    return second


def test_the_command_prints_the_verification_as_one_json_line():
    # given an intact sealed chain of two
    _commit("cus_1", "cus_2")
    _seal_all()
    out = StringIO()

    # when the command runs
    call_command("audit_verify", stdout=out)

    # then it prints one JSON line saying so
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == {
        "ok": True,
        "checked": 2,
        "first_broken_position": None,
        "first_broken_id": None,
        "reason": None,
    }


def test_the_command_exits_1_on_a_broken_chain():
    # given a sealed chain of three whose second entry was altered
    _commit("cus_1", "cus_2", "cus_3")
    _seal_all()
    second = _break_second_entry()
    expected = {
        "ok": False,
        "checked": 1,
        "first_broken_position": 2,
        "first_broken_id": second.id,
        "reason": "hash does not match the entry's content.",
    }

    # when the command runs in-process, then it fails with return code 1
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", stdout=out)
    assert failure.value.returncode == 1
    assert json.loads(out.getvalue()) == expected

    # and as a process against the same database it exits 1 after one JSON line
    database = connection.settings_dict
    process = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"],
        cwd=Path(settings.BASE_DIR),
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mcp_payments.settings.test",
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                f"{database['NAME']}"
            ),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert process.returncode == 1
    assert [json.loads(line) for line in process.stdout.splitlines()] == [expected]
    assert "audit chain broken at position 2" in process.stderr


def test_the_tasks_seal_and_verify(caplog):
    # given two committed entries
    _commit("cus_1", "cus_2")

    # when the seal task runs (until no other session holds sealing back)
    sealed, deadline = seal_audit_log(), time.monotonic() + 15
    while sealed < 2:
        assert time.monotonic() < deadline, "sealing stayed blocked by an open transaction"
        time.sleep(0.05)
        sealed += seal_audit_log()

    # then both are chained and the verify task reports an intact chain without logging
    assert sealed == 2
    with caplog.at_level(logging.ERROR, logger="compliance.tasks"):
        assert verify_audit_log() == {
            "ok": True,
            "checked": 2,
            "first_broken_position": None,
            "first_broken_id": None,
            "reason": None,
        }
    assert caplog.records == []

    # when the chain is broken, then the verify task logs an error and returns the result
    second = _break_second_entry()
    with caplog.at_level(logging.ERROR, logger="compliance.tasks"):
        result = verify_audit_log()
    assert (result["ok"], result["first_broken_id"]) == (False, second.id)
    assert [record.getMessage() for record in caplog.records] == ["audit chain broken"]
    assert caplog.records[0].audit_verification == result


def test_the_admin_is_read_only_and_verifies_the_chain(staff_user):
    # given a sealed chain of two and a logged-in platform admin
    _commit("cus_1", "cus_2")
    _seal_all()
    client = Client()
    client.force_login(staff_user)
    first = AuditEntry.objects.get(chain_position=1)

    # then the back office can list and view entries but not add, change or delete them
    model_admin = site._registry[AuditEntry]
    request = RequestFactory().get(CHANGELIST)
    request.user = staff_user
    assert model_admin.has_view_permission(request) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, first) is False
    assert model_admin.has_delete_permission(request, first) is False
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(f"{CHANGELIST}{first.pk}/change/").status_code == 200
    assert client.get(f"{CHANGELIST}add/").status_code == 403

    # when the verify action runs, then it reports the intact chain
    response = client.post(
        CHANGELIST, {"action": "verify_chain", "_selected_action": [first.pk]}, follow=True
    )
    assert [str(message) for message in response.context["messages"]] == [
        "Audit chain intact: 2 entries verified."
    ]

    # when the chain is broken, then the action reports where
    second = _break_second_entry()
    response = client.post(
        CHANGELIST, {"action": "verify_chain", "_selected_action": [first.pk]}, follow=True
    )
    assert [str(message) for message in response.context["messages"]] == [
        f"Audit chain broken at position 2 ({second.pk}): hash does not match the entry's "
        "content. 1 entries verified before it."
    ]
