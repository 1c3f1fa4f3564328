"""audit_record: one unsealed row in the caller's transaction, secrets redacted."""

import pytest
from django.db import IntegrityError, connection, transaction

from compliance.models import AuditEntry
from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.models import ApiKey, Merchant
from mcp_payments.api.logging import request_id_var
from mcp_payments.audit.records import audit_record


def _key_context(merchant: Merchant, request_id: str | None = "req_audit_1") -> AuthContext:
    key = ApiKey.objects.create(
        merchant=merchant, secret_hash=f"hash-{merchant.pk}", secret_last4="abcd"
    )
    return AuthContext(merchant=merchant, scopes=frozenset(), api_key=key, request_id=request_id)


def _txid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_raises_and_writes_nothing():
    # given a merchant and no open transaction
    merchant = Merchant.objects.create(name="Acme")

    # when an action is recorded in autocommit mode
    with pytest.raises(RuntimeError, match=r"must be called inside transaction\.atomic"):
        audit_record(
            context=None, action="merchant.updated", object_type="merchant", object_id=merchant.pk
        )

    # then nothing was written
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_audit_record_writes_one_unsealed_row_for_the_actor_in_the_current_transaction():
    # given an API key acting for its merchant
    merchant = Merchant.objects.create(name="Acme")
    context = _key_context(merchant)

    # when it records an action in a transaction
    with transaction.atomic():
        audit_record(
            context=context,
            action="payment.refunded",
            object_type="payment",
            object_id="pay_123",
            before={"amount_refunded": 0},
            after={"amount_refunded": 500},
            ip="203.0.113.7",
        )
        txid = _txid()

    # then one unsealed row holds the actor, the merchant and the writing transaction
    entry = AuditEntry.objects.get()
    assert entry.id.startswith("aud_")
    assert len(entry.id) == 30
    assert (entry.actor_type, entry.actor_id) == ("api_key", context.api_key.id)
    assert entry.merchant_id == merchant.pk
    assert (entry.action, entry.object_type, entry.object_id) == (
        "payment.refunded",
        "payment",
        "pay_123",
    )
    assert entry.before == {"amount_refunded": 0}
    assert entry.after == {"amount_refunded": 500}
    assert entry.request_id == "req_audit_1"
    assert entry.ip == "203.0.113.7"
    assert entry.txid == txid
    assert isinstance(entry.seq, int)
    assert entry.created is not None
    assert (entry.chain_position, entry.prev_hash, entry.hash) == (None, None, None)


@pytest.mark.django_db
def test_audit_record_without_context_is_the_system_acting_for_the_given_merchant():
    # given the system acting (no context) during a request
    token = request_id_var.set("req_from_middleware")
    try:
        # when it records an action for a merchant
        with transaction.atomic():
            audit_record(
                context=None,
                action="merchant.created",
                object_type="merchant",
                object_id="mer_1",
                merchant_id="mer_1",
            )
    finally:
        request_id_var.reset(token)

    # then the actor is the system and the request id comes from the request
    entry = AuditEntry.objects.get()
    assert (entry.actor_type, entry.actor_id) == ("system", "system")
    assert entry.merchant_id == "mer_1"
    assert entry.request_id == "req_from_middleware"
    assert (entry.before, entry.after, entry.ip) == (None, None, None)


@pytest.mark.django_db
def test_explicit_merchant_id_wins_over_the_context_merchant():
    # given platform staff-like context acting for merchant A about merchant B's object
    merchant = Merchant.objects.create(name="Acme")
    context = _key_context(merchant, request_id=None)

    with transaction.atomic():
        audit_record(
            context=context,
            action="customer.erased",
            object_type="customer",
            object_id="cus_1",
            merchant_id="mer_other",
        )

    entry = AuditEntry.objects.get()
    assert entry.merchant_id == "mer_other"
    assert entry.request_id is None


@pytest.mark.django_db
def test_audit_record_redacts_secret_values_at_any_depth():
    # given before/after carrying secrets at several depths
    with transaction.atomic():
        # when they are recorded
        audit_record(
            context=None,
            action="payment_method.created",
            object_type="payment_method",
            object_id="pm_1",
            before={"password": "hunter2", "Secret": "whsec_abc", "name": "kept"},
            after={
                "card": {"token": "tok_visa", "number": "4242424242424242", "cvc": "123"},
                "keys": [{"api_key": "sk_test_x", "last4": "abcd"}],
                "email": "a@example.com",
            },
        )

    # then no secret value is stored, everything else is
    entry = AuditEntry.objects.get()
    assert entry.before == {"password": "[redacted]", "Secret": "[redacted]", "name": "kept"}
    assert entry.after == {
        "card": {"token": "[redacted]", "number": "[redacted]", "cvc": "[redacted]"},
        "keys": [{"api_key": "[redacted]", "last4": "abcd"}],
        "email": "a@example.com",
    }
    stored = str(AuditEntry.objects.values("before", "after").get())
    for secret in ("hunter2", "whsec_abc", "tok_visa", "4242424242424242", "sk_test_x"):
        assert secret not in stored


@pytest.mark.django_db
def test_the_database_forces_txid_and_refuses_rows_inserted_sealed():
    # given a writer trying to forge the writing transaction
    with transaction.atomic():
        forged = AuditEntry.objects.create(
            txid=1,
            actor_type="system",
            actor_id="system",
            action="x",
            object_type="t",
            object_id="o",
        )
        txid = _txid()
    # then the insert trigger stored the real one
    assert AuditEntry.objects.get(pk=forged.pk).txid == txid

    # when a writer inserts a row with chain columns set, then it is refused
    with pytest.raises(IntegrityError, match="entries are inserted unsealed"), transaction.atomic():
        AuditEntry.objects.create(
            actor_type="system",
            actor_id="system",
            action="x",
            object_type="t",
            object_id="o",
            chain_position=1,
            prev_hash="0" * 64,
            hash="1" * 64,
        )
    assert AuditEntry.objects.count() == 1
