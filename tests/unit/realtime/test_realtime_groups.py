"""Which groups an event goes to (realtime.groups), without sockets."""

import json

from realtime.groups import all_patterns, group_messages, group_name
from realtime.subscribers import BROADCAST
from tests.fixtures.realtime import event_dict

MERCHANT = "mer_01JAAAAAAAAAAAAAAAAAAAAAAA"


def groups_of(event_type: str, merchant_id: str | None = MERCHANT) -> list[str]:
    return sorted(group_messages([event_dict(event_type, merchant_id)]))


def test_a_payment_event_goes_to_its_merchants_payments_group_and_the_staff_group():
    assert groups_of("payment.created") == ["rt.payments.all", f"rt.payments.{MERCHANT}"]


def test_a_succeeded_payment_also_moves_the_dashboard():
    assert groups_of("payment.succeeded") == [
        "rt.dashboard.all",
        f"rt.dashboard.{MERCHANT}",
        "rt.payments.all",
        f"rt.payments.{MERCHANT}",
    ]


def test_refunds_and_disputes_are_payments_events():
    assert groups_of("refund.succeeded") == [
        "rt.dashboard.all",
        f"rt.dashboard.{MERCHANT}",
        "rt.payments.all",
        f"rt.payments.{MERCHANT}",
    ]
    assert groups_of("dispute.updated") == ["rt.payments.all", f"rt.payments.{MERCHANT}"]


def test_risk_reviews_and_compliance_alerts_go_to_alerts_and_compliance():
    expected = [
        "rt.alerts.all",
        f"rt.alerts.{MERCHANT}",
        "rt.compliance.all",
        f"rt.compliance.{MERCHANT}",
    ]
    assert groups_of("compliance.alert_opened") == expected
    # An opened review also moves the dashboard's "in review" figure (analytics summary).
    assert groups_of("risk.review_opened") == sorted(
        [*expected, "rt.dashboard.all", f"rt.dashboard.{MERCHANT}"]
    )


def test_a_new_customer_moves_the_dashboard_only():
    assert groups_of("customer.created") == ["rt.dashboard.all", f"rt.dashboard.{MERCHANT}"]


def test_operational_alerts_go_to_alerts_only():
    for event_type in (
        "webhook_endpoint.disabled",
        "agent.approval_requested",
        "agent.approval_decided",
        "notification.created",
    ):
        assert groups_of(event_type) == ["rt.alerts.all", f"rt.alerts.{MERCHANT}"], event_type


def test_an_event_without_a_merchant_goes_to_staff_only():
    assert groups_of("system.alert", None) == ["rt.alerts.all"]


def test_other_events_go_nowhere():
    assert groups_of("customer.updated") == []
    assert groups_of("wallet.frozen") == []


def test_a_batch_becomes_one_message_per_group_in_event_order():
    first = event_dict("payment.created", MERCHANT, event_id="evt_01JAAAAAAAAAAAAAAAAAAAAAA1")
    second = event_dict("payment.succeeded", MERCHANT, event_id="evt_01JAAAAAAAAAAAAAAAAAAAAAA2")

    messages = group_messages([first, second])

    payments = messages[group_name("payments", MERCHANT)]
    assert payments["type"] == "rt.events"
    assert [entry["id"] for entry in payments["events"]] == [first["id"], second["id"]]
    assert json.loads(payments["events"][1]["text"]) == {"type": "event", "event": second}
    assert messages[group_name("dashboard", MERCHANT)] == {
        "type": "rt.metrics",
        "group": group_name("dashboard", MERCHANT),
        "events": [second],
    }


def test_a_notification_entry_names_its_user():
    event = event_dict("notification.created", MERCHANT, {"id": "ntf_1", "user": 7})

    (entry,) = group_messages([event])[group_name("alerts", MERCHANT)]["events"]

    assert (entry["merchant"], entry["user"]) == (MERCHANT, 7)


def test_the_realtime_queue_is_bound_to_exactly_the_streams_patterns():
    from mcp_payments.events.subscribers import bindings_for, subscribers_for

    assert [sub.name for sub in subscribers_for("realtime")] == [BROADCAST]
    assert bindings_for("realtime") == list(all_patterns())
    assert all_patterns() == (
        "agent.approval_decided",
        "agent.approval_requested",
        "audit.*",
        "compliance.*",
        "customer.created",
        "dispute.*",
        "invoice.*",
        "notification.created",
        "payment.*",
        "refund.*",
        "risk.*",
        "subscription.*",
        "system.alert",
        "webhook_endpoint.disabled",
    )


class RecordingLayer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group: str, message: dict) -> None:
        self.sent.append((group, message))


def test_the_broadcast_subscriber_sends_each_groups_message_once(monkeypatch):
    from realtime import subscribers

    layer = RecordingLayer()
    monkeypatch.setattr(subscribers, "get_channel_layer", lambda: layer)
    events = [
        event_dict("payment.created", MERCHANT, event_id="evt_01JAAAAAAAAAAAAAAAAAAAAAA1"),
        event_dict("customer.updated", MERCHANT, event_id="evt_01JAAAAAAAAAAAAAAAAAAAAAA2"),
        event_dict("system.alert", None, event_id="evt_01JAAAAAAAAAAAAAAAAAAAAAA3"),
    ]

    subscribers.broadcast(events)

    assert sorted(layer.sent, key=lambda sent: sent[0]) == sorted(
        group_messages(events).items(), key=lambda sent: sent[0]
    )
    assert sorted(group for group, _ in layer.sent) == [
        "rt.alerts.all",
        "rt.payments.all",
        f"rt.payments.{MERCHANT}",
    ]


def test_the_broadcast_subscriber_sends_nothing_for_other_events(monkeypatch):
    from realtime import subscribers

    layer = RecordingLayer()
    monkeypatch.setattr(subscribers, "get_channel_layer", lambda: layer)

    subscribers.broadcast([event_dict("customer.updated", MERCHANT)])

    assert layer.sent == []


def test_tokens_in_logged_websocket_paths_are_redacted():
    import logging

    from realtime.redaction import RedactQueryTokens

    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5000", "/ws/payments?merchant=mer_1&token=sk_test_abc.def&after=evt_1"),
        None,
    )

    assert RedactQueryTokens().filter(record) is True
    assert record.getMessage() == (
        '127.0.0.1:5000 - "WebSocket /ws/payments?merchant=mer_1&token=[redacted]&after=evt_1"'
        " [accepted]"
    )


def test_the_uvicorn_logger_carries_the_redaction_filter():
    import logging

    from realtime.redaction import RedactQueryTokens

    assert any(isinstance(f, RedactQueryTokens) for f in logging.getLogger("uvicorn.error").filters)
