"""The long-running commands' wiring (the processes themselves run in tests/integration)."""

import pytest
from django.core.management import CommandError, call_command

from mcp_payments.events.management.commands import events_consume, events_relay


def test_events_consume_builds_a_consumer_for_the_domains(monkeypatch):
    built = []

    class Stub:
        should_stop = False

        def run(self) -> None:
            built.append("ran")

    def build(**kwargs):
        built.append(kwargs)
        return Stub()

    monkeypatch.setattr(events_consume, "build_consumer", build)
    call_command("events_consume", "--domain", "analytics", "--domain", "compliance")
    call_command("events_consume", "--all", "--prefetch", "10", "--batch-size", "5")

    assert built == [
        {"domains": ["analytics", "compliance"], "prefetch": 50, "batch_size": 50},
        "ran",
        {
            "domains": ["realtime", "notifications", "analytics", "compliance"],
            "prefetch": 10,
            "batch_size": 5,
        },
        "ran",
    ]
    with pytest.raises(CommandError, match="--domain"):
        call_command("events_consume")


def test_events_relay_runs_the_relay_with_its_options(monkeypatch):
    made = []

    class Stub:
        def __init__(self, **kwargs) -> None:
            made.append(kwargs)

        def stop(self) -> None:
            made.append("stopped")

        def run(self) -> None:
            made.append("ran")

    monkeypatch.setattr(events_relay, "Relay", Stub)
    call_command("events_relay", "--batch-size", "100", "--poll-ms", "250")

    assert made == [{"batch_size": 100, "poll_seconds": 0.25}, "ran"]
