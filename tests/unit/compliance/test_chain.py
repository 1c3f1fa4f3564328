"""The canonical serialization and hash every audit entry is sealed with."""

import hashlib
from datetime import UTC, datetime

from compliance.chain import (
    CHAIN_FIELDS,
    CONTENT_FIELDS,
    GENESIS_HASH,
    canonical_payload,
    entry_hash,
)
from compliance.models import AuditEntry

CONTENT = {
    "id": "aud_01JD0000000000000000000000",
    "seq": 7,
    "txid": 1234,
    "created": datetime(2026, 11, 26, 4, 50, 57, 123456, tzinfo=UTC),
    "merchant_id": "mer_01JD0000000000000000000000",
    "actor_type": "api_key",
    "actor_id": "key_01JD0000000000000000000000",
    "action": "customer.erased",
    "object_type": "customer",
    "object_id": "cus_01JD0000000000000000000000",
    "before": {"name": "Zoë", "b": [1, 2]},
    "after": None,
    "request_id": "req_1",
    "ip": "203.0.113.7",
}


def test_canonical_payload_is_sorted_compact_utf8_json_with_the_chain_link():
    # given an entry's content
    # when it is serialized for position 3 after a previous hash
    payload = canonical_payload(content=CONTENT, prev_hash="ab" * 32, chain_position=3)

    # then the keys are sorted, separators compact, non-ASCII kept, timestamps in UTC ISO form
    assert payload == (
        '{"action":"customer.erased","actor_id":"key_01JD0000000000000000000000",'
        '"actor_type":"api_key","after":null,"before":{"b":[1,2],"name":"Zoë"},'
        '"chain_position":3,"created":"2026-11-26T04:50:57.123456+00:00",'
        '"id":"aud_01JD0000000000000000000000","ip":"203.0.113.7",'
        '"merchant_id":"mer_01JD0000000000000000000000",'
        '"object_id":"cus_01JD0000000000000000000000","object_type":"customer",'
        f'"prev_hash":"{"ab" * 32}","request_id":"req_1","seq":7,"txid":1234}}'
    )
    assert entry_hash(content=CONTENT, prev_hash="ab" * 32, chain_position=3) == (
        hashlib.sha256(payload.encode()).hexdigest()
    )


def test_changing_any_content_column_or_link_changes_the_hash():
    # given the hash of an entry
    original = entry_hash(content=CONTENT, prev_hash=GENESIS_HASH, chain_position=1)

    # when any one content column changes, then the hash changes
    for name in CONTENT_FIELDS:
        altered = {**CONTENT, name: "tampered"}
        assert entry_hash(content=altered, prev_hash=GENESIS_HASH, chain_position=1) != original
    # and so it does for the previous hash and the position
    assert entry_hash(content=CONTENT, prev_hash="1" * 64, chain_position=1) != original
    assert entry_hash(content=CONTENT, prev_hash=GENESIS_HASH, chain_position=2) != original


def test_every_model_column_is_either_hashed_content_or_a_chain_column():
    columns = {field.attname for field in AuditEntry._meta.concrete_fields}

    assert columns == set(CONTENT_FIELDS) | set(CHAIN_FIELDS)
    assert not set(CONTENT_FIELDS) & set(CHAIN_FIELDS)
    assert GENESIS_HASH == "0" * 64
