"""The subscriber registry: event handlers per subscribing domain, bound by routing patterns.

Each app declares its handlers in its own `subscribers.py`:

    @subscriber("analytics", "payment.succeeded", "refund.*", name="analytics.live_counters")
    def live_counters(event: dict) -> None: ...

A handler receives the event as published (API.md §4) and must be idempotent in effect; the
consumer runs it inside a transaction that also records (subscriber, event id), so a redelivery is
skipped (`mcp_payments.events.processing`). With `batch=True` the handler receives a list of
events instead (those of one consumer batch, in one transaction), so it can apply them in one
statement (the analytics counters do). The queue of a domain is bound by the union of its
subscribers' patterns (AMQP topic syntax: `*` one word, `#` zero or more).
"""

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import autodiscover_modules

DOMAINS: tuple[str, ...] = ("realtime", "notifications", "analytics", "compliance")

Handler = Callable[[dict[str, Any]], None]
BatchHandler = Callable[[list[dict[str, Any]]], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    domain: str
    patterns: tuple[str, ...]
    handler: Handler | BatchHandler
    batch: bool = False

    def matches(self, event_type: str) -> bool:
        return any(topic_matches(pattern, event_type) for pattern in self.patterns)

    def handle(self, events: list[dict[str, Any]]) -> None:
        """Apply `events` (each not yet processed by this subscriber), in order."""
        if self.batch:
            self.handler(events)
        else:
            for event in events:
                self.handler(event)


_registry: dict[str, Subscriber] = {}
_loaded = False
_load_lock = threading.Lock()


class SubscriberConflict(ValueError):
    pass


def subscriber(
    domain: str, *patterns: str, name: str, batch: bool = False
) -> Callable[[Handler], Handler]:
    """Register `fn(event) -> None` (or `fn(events) -> None` with `batch=True`) for `domain`'s
    queue, for events matching `patterns`."""
    if domain not in DOMAINS:
        raise ValueError(f"Unknown subscriber domain {domain!r}; one of {', '.join(DOMAINS)}")
    if not patterns:
        raise ValueError("A subscriber needs at least one routing pattern")

    def register(handler: Handler) -> Handler:
        existing = _registry.get(name)
        if existing is not None and existing.handler is not handler:
            raise SubscriberConflict(f"Subscriber name {name!r} is already registered")
        _registry[name] = Subscriber(name, domain, tuple(patterns), handler, batch)
        return handler

    return register


def unregister(name: str) -> None:
    """Tests only: forget a subscriber registered in a test module."""
    _registry.pop(name, None)


def load_subscribers() -> None:
    """Import every app's `subscribers.py` and `EVENTS_SUBSCRIBER_MODULES` (once)."""
    global _loaded
    with _load_lock:
        if _loaded:
            return
        autodiscover_modules("subscribers")
        for module in settings.EVENTS_SUBSCRIBER_MODULES:
            importlib.import_module(module)
        _loaded = True


def subscribers_for(domain: str, event_type: str | None = None) -> list[Subscriber]:
    load_subscribers()
    return sorted(
        (
            sub
            for sub in _registry.values()
            if sub.domain == domain and (event_type is None or sub.matches(event_type))
        ),
        key=lambda sub: sub.name,
    )


def bindings_for(domain: str) -> list[str]:
    """The routing patterns binding `domain`'s queue to the events exchange."""
    return sorted({pattern for sub in subscribers_for(domain) for pattern in sub.patterns})


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: words split on '.', `*` is exactly one word, `#` zero or more."""
    return _match(pattern.split("."), routing_key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[skip:]) for skip in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])
