from tests.fixtures.events import broker, events_namespace  # noqa: F401
