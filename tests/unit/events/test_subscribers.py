"""The subscriber registry and AMQP topic matching."""

import pytest

from mcp_payments.events.subscribers import (
    SubscriberConflict,
    bindings_for,
    subscriber,
    subscribers_for,
    topic_matches,
    unregister,
)


@pytest.mark.parametrize(
    ("pattern", "routing_key", "expected"),
    [
        ("payment.succeeded", "payment.succeeded", True),
        ("payment.succeeded", "payment.failed", False),
        ("payment.*", "payment.succeeded", True),
        ("payment.*", "payment", False),
        ("payment.*", "payment.a.b", False),
        ("payment.#", "payment", True),
        ("payment.#", "payment.a.b", True),
        ("#", "customer.created", True),
        ("*.created", "customer.created", True),
        ("*.created", "customer.updated", False),
        ("#.created", "a.b.created", True),
    ],
)
def test_topic_matching_follows_amqp(pattern, routing_key, expected):
    assert topic_matches(pattern, routing_key) is expected


def test_a_registered_subscriber_binds_its_domain_queue():
    def names(event_type):
        return {sub.name for sub in subscribers_for("realtime", event_type)}

    existing_dispute, existing_payment = names("dispute.closed"), names("payment.succeeded")
    existing_bindings = bindings_for("realtime")

    @subscriber("realtime", "dispute.*", "refund.succeeded", name="tests.realtime_probe")
    def probe(event):
        return None

    try:
        assert "dispute.*" in bindings_for("realtime")
        assert "refund.succeeded" in bindings_for("realtime")
        assert names("dispute.closed") - existing_dispute == {"tests.realtime_probe"}
        assert names("payment.succeeded") == existing_payment
    finally:
        unregister("tests.realtime_probe")
    assert bindings_for("realtime") == existing_bindings


def test_the_apps_subscribers_are_discovered():
    assert bindings_for("analytics") == [
        "customer.created",
        "dispute.closed",
        "dispute.created",
        "payment.amount_capturable_updated",
        "payment.canceled",
        "payment.failed",
        "payment.succeeded",
        "refund.succeeded",
        "risk.review_opened",
    ]
    assert [sub.name for sub in subscribers_for("compliance", "payment.succeeded")] == [
        "compliance.aml"
    ]


def test_a_name_registered_twice_is_refused():
    def first(event):
        return None

    def second(event):
        return None

    subscriber("notifications", "x.y", name="tests.twice")(first)
    try:
        subscriber("notifications", "x.y", name="tests.twice")(first)  # same handler: fine
        with pytest.raises(SubscriberConflict):
            subscriber("notifications", "x.y", name="tests.twice")(second)
    finally:
        unregister("tests.twice")


def test_unknown_domain_and_missing_patterns_are_refused():
    with pytest.raises(ValueError, match="Unknown subscriber domain"):
        subscriber("billing", "x.y", name="tests.bad")
    with pytest.raises(ValueError, match="at least one routing pattern"):
        subscriber("analytics", name="tests.bad")


def test_a_batch_subscriber_receives_the_list_and_a_plain_one_each_event():
    seen: list = []
    subscriber("notifications", "a.b", name="tests.plain")(seen.append)
    subscriber("notifications", "a.b", name="tests.batch", batch=True)(seen.append)
    try:
        by_name = {sub.name: sub for sub in subscribers_for("notifications", "a.b")}
        by_name["tests.plain"].handle([{"id": 1}, {"id": 2}])
        by_name["tests.batch"].handle([{"id": 3}, {"id": 4}])
    finally:
        unregister("tests.plain")
        unregister("tests.batch")
    assert seen == [{"id": 1}, {"id": 2}, [{"id": 3}, {"id": 4}]]
