"""The topology declared by the code: names, arguments, retry steps, idempotent declaration."""

import pytest
from django.core.management import call_command

from mcp_payments.events.topology import (
    dead_letter_queue,
    declare_topology,
    domain_of,
    main_queue,
    physical_name,
    retry_delay_ms,
    retry_queue,
)
from tests.fixtures.events import queue_depth


def test_queue_names_carry_the_namespace_prefix(events_namespace):
    assert physical_name("events.analytics") == f"{events_namespace.prefix}events.analytics"
    queue = main_queue("analytics")
    assert queue.name == f"{events_namespace.prefix}events.analytics"
    assert queue.queue_arguments == {
        "x-dead-letter-exchange": events_namespace.dead_letter_exchange,
        "x-dead-letter-routing-key": queue.name,
    }
    assert sorted(binding.routing_key for binding in queue.bindings) == [
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
    assert {binding.exchange.name for binding in queue.bindings} == {events_namespace.exchange}
    dlq = dead_letter_queue("analytics")
    assert dlq.name == f"{queue.name}.dlq"
    assert dlq.routing_key == queue.name
    assert dlq.exchange.name == events_namespace.dead_letter_exchange


def test_each_backoff_step_has_a_ttl_queue_leading_back_to_the_main_queue(events_namespace):
    assert [retry_delay_ms(attempt) for attempt in (1, 2, 3, 4)] == [100, 200, 200, 200]
    queue = retry_queue("compliance", 200)
    assert queue.name == f"{events_namespace.prefix}events.compliance.retry.200ms"
    assert queue.queue_arguments == {
        "x-message-ttl": 200,
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": f"{events_namespace.prefix}events.compliance",
    }


def test_declaring_twice_is_harmless(broker):
    declare_topology(broker.default_channel)
    declare_topology(broker.default_channel)
    assert queue_depth(broker, main_queue("analytics")) == 0


def test_domain_of_accepts_only_the_four_queues():
    assert domain_of("events.analytics") == "analytics"
    with pytest.raises(ValueError, match="Unknown events queue"):
        domain_of("events.billing")
    with pytest.raises(ValueError, match="Unknown events queue"):
        domain_of("analytics")


def test_events_topology_command_declares_and_prints(broker, capsys, events_namespace):
    call_command("events_topology")
    out = capsys.readouterr().out
    assert f"analytics: {events_namespace.prefix}events.analytics, " in out
    assert (
        "bound by customer.created, dispute.closed, dispute.created,"
        " payment.amount_capturable_updated, payment.canceled, payment.failed, payment.succeeded,"
        " refund.succeeded, risk.review_opened"
    ) in out
    assert "realtime: " in out
