"""GET /api/v1/compliance/audit_log and /verify: tenancy, filters, list shape, staff-only check."""

import time
from datetime import UTC

import pytest
from django.db import transaction

from compliance.models import AuditEntry
from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.models import ApiKey, Merchant
from mcp_payments.audit.records import audit_record
from tests.conftest import bearer_client

LIST = "/api/v1/compliance/audit_log"
VERIFY = "/api/v1/compliance/audit_log/verify"


def _key_context(merchant: Merchant) -> AuthContext:
    key = ApiKey.objects.create(
        merchant=merchant, secret_hash=f"hash-{merchant.pk}", secret_last4="abcd"
    )
    return AuthContext(merchant=merchant, scopes=frozenset(), api_key=key, request_id="req_7")


def _record(context: AuthContext | None, action: str, object_id: str, **kwargs) -> AuditEntry:
    time.sleep(0.002)  # ids are time-sortable to the millisecond
    with transaction.atomic():
        audit_record(
            context=context,
            action=action,
            object_type=object_id.split("_")[0],
            object_id=object_id,
            **kwargs,
        )
    return AuditEntry.objects.filter(object_id=object_id).latest("seq")


def _ids(response) -> list[str]:
    return [entry["id"] for entry in response.json()["data"]]


@pytest.mark.django_db
def test_a_merchant_lists_only_its_own_entries_newest_first(merchant, other_merchant, client_for):
    # given entries for the merchant, for another merchant and for nobody
    client = client_for(merchant, "compliance:read")
    own_key_created = AuditEntry.objects.get(merchant_id=merchant.pk)
    context = _key_context(merchant)
    first = _record(context, "customer.erased", "cus_1", before={"name": "Ada"}, ip="192.0.2.1")
    second = _record(context, "payment.refunded", "pay_1", after={"amount_refunded": 500})
    theirs = _record(_key_context(other_merchant), "customer.erased", "cus_2")
    system = _record(None, "system.tick", "job_1")

    # when the merchant lists the audit log
    response = client.get(LIST)

    # then it sees its own entries only, newest first, in the list shape
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"object", "data", "has_more", "next_cursor"}
    assert (body["object"], body["has_more"], body["next_cursor"]) == ("list", False, None)
    assert _ids(response) == [second.id, first.id, own_key_created.id]
    assert theirs.id not in _ids(response) and system.id not in _ids(response)
    assert body["data"][1] == {
        "id": first.id,
        "object": "audit_entry",
        "created": first.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "merchant": merchant.pk,
        "actor": {"type": "api_key", "id": context.api_key.id},
        "action": "customer.erased",
        "object_type": "cus",
        "object_id": "cus_1",
        "before": {"name": "Ada"},
        "after": None,
        "request_id": "req_7",
        "ip": "192.0.2.1",
        "chain_position": None,
        "hash": None,
        "prev_hash": None,
    }


@pytest.mark.django_db
def test_the_list_filters_by_action_object_actor_and_created(merchant, client_for):
    # given three entries of two actors
    client = client_for(merchant, "compliance:read")
    alice, bob = _key_context(merchant), _key_context(Merchant.objects.create(name="Bob Co"))
    first = _record(alice, "customer.erased", "cus_1")
    second = _record(alice, "payment.refunded", "pay_1")
    third = _record(bob, "customer.erased", "cus_2", merchant_id=merchant.pk)

    # when filtering, then each filter selects exactly its entries
    assert _ids(client.get(LIST, {"action": "customer.erased"})) == [third.id, first.id]
    assert _ids(client.get(LIST, {"object_id": "pay_1"})) == [second.id]
    assert _ids(client.get(LIST, {"actor_id": bob.actor_id})) == [third.id]
    assert _ids(client.get(LIST, {"actor_id": alice.actor_id, "action": "payment.refunded"})) == [
        second.id
    ]
    since_second = {"created[gte]": second.created.isoformat()}
    assert _ids(client.get(LIST, {**since_second, "action": "customer.erased"})) == [third.id]
    before_second = {"created[lt]": second.created.isoformat(), "object_id": "cus_1"}
    assert _ids(client.get(LIST, before_second)) == [first.id]
    assert _ids(client.get(LIST, {"action": "nothing.happened"})) == []


@pytest.mark.django_db
def test_the_list_pages_with_starting_after(merchant, client_for):
    # given three entries of one action
    client = client_for(merchant, "compliance:read")
    context = _key_context(merchant)
    entries = [_record(context, "customer.updated", f"cus_{n}") for n in range(3)]

    # when paging two at a time
    page = client.get(LIST, {"action": "customer.updated", "limit": 2}).json()
    rest = client.get(
        LIST, {"action": "customer.updated", "limit": 2, "starting_after": page["next_cursor"]}
    ).json()

    # then the pages hold newest first, then the rest
    assert [entry["id"] for entry in page["data"]] == [entries[2].id, entries[1].id]
    assert (page["has_more"], page["next_cursor"]) == (True, entries[1].id)
    assert [entry["id"] for entry in rest["data"]] == [entries[0].id]
    assert (rest["has_more"], rest["next_cursor"]) == (False, None)
    bad = client.get(LIST, {"limit": 101})
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "limit"


@pytest.mark.django_db
def test_platform_staff_list_every_merchants_entries(merchant, other_merchant, staff_client):
    # given entries of two merchants and of the system
    ours = _record(_key_context(merchant), "customer.erased", "cus_1")
    theirs = _record(_key_context(other_merchant), "customer.erased", "cus_2")
    system = _record(None, "system.tick", "job_1")

    # when platform staff list the log, then they see all of them
    response = staff_client.get(LIST, {"object_id": "cus_1"})
    assert _ids(response) == [ours.id]
    assert _ids(staff_client.get(LIST)) == [system.id, theirs.id, ours.id]


@pytest.mark.django_db
def test_the_list_needs_the_compliance_read_scope_and_credentials(merchant, client_for):
    # given a key without compliance:read, and no credentials at all
    refused = client_for(merchant, "payments:read").get(LIST)
    anonymous = bearer_client("sk_test_unknown").get(LIST)

    # then the key is forbidden and the unknown secret unauthenticated
    assert refused.status_code == 403
    assert refused.json()["error"]["type"] == "permission_error"
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["type"] == "authentication_error"


@pytest.mark.django_db
def test_verify_is_forbidden_to_a_merchant_key(merchant, client_for):
    # given a merchant key with every scope
    client = client_for(merchant, "*")

    # when it asks for the chain verification
    response = client.get(VERIFY)

    # then it is refused as not platform staff
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "type": "permission_error",
            "code": "permission_denied",
            "message": "Only platform staff may do this.",
            "param": None,
        }
    }


@pytest.mark.django_db(transaction=True)
def test_verify_seals_and_reports_the_chain_to_platform_staff(merchant, staff_client):
    # given two committed, unsealed entries
    _record(None, "customer.erased", "cus_1", merchant_id=merchant.pk)
    _record(None, "customer.erased", "cus_2", merchant_id=merchant.pk)

    # when platform staff ask for the verification (again, while another session's open
    # transaction holds sealing back)
    deadline = time.monotonic() + 15
    response = staff_client.get(VERIFY)
    while response.json()["checked"] < 2:
        assert time.monotonic() < deadline, "sealing stayed blocked by an open transaction"
        time.sleep(0.05)
        response = staff_client.get(VERIFY)

    # then the request sealed both and found the chain intact
    assert response.status_code == 200
    assert response.json() == {
        "object": "audit_verification",
        "ok": True,
        "checked": 2,
        "first_broken_position": None,
        "first_broken_id": None,
        "reason": None,
    }
    chain = AuditEntry.objects.order_by("chain_position")
    assert list(chain.values_list("object_id", "chain_position")) == [("cus_1", 1), ("cus_2", 2)]
