"""The webhook event types are those the platform emits (plus API.md §4's list)."""

import re
from pathlib import Path

from notifications.enums import INTERNAL_EVENT_TYPES, WEBHOOK_EVENT_TYPES
from payments.enums import RefundStatus

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ["payments", "wallets", "compliance", "analytics", "notifications", "mcp_payments"]
LITERAL = re.compile(r"""f?"([a-z_]+\.(?:[a-z_]+|\{[a-z_.]+\}))\"""")
TUPLE = re.compile(r"""\(f?"[a-z_]+\.[a-z_{}.]+", \w+\)""")


def emitted_types() -> set[str]:
    found: set[str] = set()
    for package in SOURCES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for line in path.read_text().splitlines():
                if "emit(" not in line and "emit_many(" not in line and not TUPLE.search(line):
                    continue
                for literal in LITERAL.findall(line):
                    if literal.endswith("{refund.status}"):
                        found |= {f"refund.{status}" for status in RefundStatus.values}
                    elif "{" not in literal:
                        found.add(literal)
    return found


def test_every_emitted_type_is_a_webhook_type_or_internal():
    emitted = emitted_types()

    assert {"payment.succeeded", "transfer.created", "refund.pending"} <= emitted
    assert emitted - set(WEBHOOK_EVENT_TYPES) - INTERNAL_EVENT_TYPES == set()
    assert set(WEBHOOK_EVENT_TYPES).isdisjoint(INTERNAL_EVENT_TYPES)
    assert len(WEBHOOK_EVENT_TYPES) == len(set(WEBHOOK_EVENT_TYPES))
