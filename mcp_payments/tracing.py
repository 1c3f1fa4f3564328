"""OpenTelemetry tracing: off by default, on with `TRACING_ENABLED=true` (docs/deployment.md).

When on, every process (gunicorn, uvicorn, Celery, relay, consumers) exports spans over OTLP/HTTP
to `OTEL_EXPORTER_OTLP_ENDPOINT` (Jaeger accepts OTLP; the exporter reads the standard `OTEL_*`
variables) and instruments:

- Django (one SERVER span per request), Celery (publish and run spans, context in task headers);
- psycopg through OpenTelemetry's DB-API instrumentation (one CLIENT span per statement);
- the events backbone, by hand (no kombu instrumentation exists): `emit()` stores the current W3C
  `traceparent` on the event row as it stores `request_id`; the relay starts one PRODUCER span per
  event from it and puts its own `traceparent` in the RabbitMQ message headers; the consumer starts
  its CONSUMER span from those headers. So one request's HTTP, SQL, publish and handling spans form
  one trace.

When off, nothing is imported beyond the API, no instrumentation is installed, and the helpers
below are no-ops that cost a flag check.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.propagate import extract, inject

ENABLE_VARIABLE = "TRACING_ENABLED"
TRACEPARENT_HEADER = "traceparent"
INSTRUMENTATION_NAME = "mcp_payments"
DEFAULT_OTLP_ENDPOINT = "http://localhost:4318"

_provider: Any = None  # the SDK TracerProvider while tracing is on


def enabled() -> bool:
    """True while tracing is configured in this process."""
    return _provider is not None


def enabled_by_environment(environ: Mapping[str, str] | None = None) -> bool:
    """True when `TRACING_ENABLED` is one of 1/true/yes/on (case-insensitive); default off."""
    value = (environ if environ is not None else os.environ).get(ENABLE_VARIABLE, "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def configure_from_environment() -> bool:
    """Turn tracing on with the OTLP exporter when the environment asks for it; return whether
    it is on. Called once per process from the events app's `ready()`; idempotent."""
    if enabled():
        return True
    if not enabled_by_environment():
        return False
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    # An empty variable (as .env.example leaves it) means the default, not "".
    base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or DEFAULT_OTLP_ENDPOINT
    exporter = OTLPSpanExporter(endpoint=f"{base.rstrip('/')}/v1/traces")
    configure(exporter=exporter, batch=True, set_global=True)
    return True


def configure(*, exporter: Any, batch: bool = True, set_global: bool = False) -> Any:
    """Turn tracing on in this process with `exporter` (an SDK SpanExporter) and install the
    Django, psycopg (DB-API) and Celery instrumentation. `batch=False` exports each span as it
    ends (tests). Returns the TracerProvider. Raises RuntimeError when already on.

    Django's middleware is added to `settings.MIDDLEWARE`, so call this before the WSGI/ASGI
    handler loads its middleware (AppConfig.ready is early enough)."""
    global _provider
    if _provider is not None:
        raise RuntimeError("tracing is already configured")
    import psycopg
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.dbapi import trace_integration
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    service = os.environ.get("OTEL_SERVICE_NAME") or "mcp-payments"
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    processor = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    if set_global:
        trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument(tracer_provider=provider)
    CeleryInstrumentor().instrument(tracer_provider=provider)
    trace_integration(
        psycopg,
        "connect",
        "postgresql",
        connection_attributes={
            "database": "info.dbname",
            "port": "info.port",
            "host": "info.host",
            "user": "info.user",
        },
        tracer_provider=provider,
    )
    _provider = provider
    return provider


def shutdown() -> None:
    """Turn tracing off: remove the instrumentation and flush and close the provider. Connections
    opened while it was on keep their tracing wrapper until they are closed."""
    global _provider
    if _provider is None:
        return
    import psycopg
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.dbapi import unwrap_connect
    from opentelemetry.instrumentation.django import DjangoInstrumentor

    DjangoInstrumentor().uninstrument()
    CeleryInstrumentor().uninstrument()
    unwrap_connect(psycopg, "connect")
    provider, _provider = _provider, None
    provider.shutdown()


def current_traceparent() -> str:
    """The W3C `traceparent` of the current span ("" when tracing is off or no span is active):
    what `emit()` stores on the event row."""
    if _provider is None:
        return ""
    carrier: dict[str, str] = {}
    inject(carrier)
    return carrier.get(TRACEPARENT_HEADER, "")


def _tracer() -> trace.Tracer:
    return _provider.get_tracer(INSTRUMENTATION_NAME)


class PublishSpans:
    """The relay's PRODUCER spans of one batch: one per event, each a child of the event's stored
    `traceparent`, started before the publish and ended after the broker's confirms."""

    def __init__(self) -> None:
        self._spans: list[trace.Span] = []

    def start(self, *, event_id: str, event_type: str, traceparent: str, exchange: str) -> str:
        """Start the span of one event; return the `traceparent` to put in its message headers
        ("" when tracing is off or the event has none)."""
        if _provider is None or not traceparent:
            return ""
        parent = extract({TRACEPARENT_HEADER: traceparent})
        span = _tracer().start_span(
            f"{exchange} publish",
            context=parent,
            kind=trace.SpanKind.PRODUCER,
            attributes={
                "messaging.system": "rabbitmq",
                "messaging.operation.type": "publish",
                "messaging.destination.name": exchange,
                "messaging.rabbitmq.destination.routing_key": event_type,
                "messaging.message.id": event_id,
            },
        )
        self._spans.append(span)
        carrier: dict[str, str] = {}
        inject(carrier, context=trace.set_span_in_context(span))
        return carrier.get(TRACEPARENT_HEADER, "")

    def end(self, error: BaseException | None = None) -> None:
        """End every span; mark them failed with `error` when the publish failed."""
        for span in self._spans:
            if error is not None:
                span.record_exception(error)
                span.set_status(trace.Status(trace.StatusCode.ERROR, str(error)))
            span.end()
        self._spans = []


@contextmanager
def consume_spans(queue: str, messages: list[tuple[dict, Mapping[str, Any]]]) -> Iterator[None]:
    """CONSUMER spans around the handling of `messages` ((event, headers) pairs) from `queue`:
    each a child of its message's `traceparent` header. With one message its span is the current
    one, so the handlers' SQL spans nest under it. No-op when tracing is off."""
    if _provider is None:
        yield
        return
    spans = []
    for event, headers in messages:
        traceparent = (headers or {}).get(TRACEPARENT_HEADER)
        if not traceparent:
            continue
        spans.append(
            _tracer().start_span(
                f"{queue} process",
                context=extract({TRACEPARENT_HEADER: str(traceparent)}),
                kind=trace.SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "rabbitmq",
                    "messaging.operation.type": "process",
                    "messaging.destination.name": queue,
                    "messaging.message.id": event["id"],
                    "messaging.rabbitmq.destination.routing_key": event["type"],
                },
            )
        )
    token = None
    if len(spans) == 1 and len(messages) == 1:
        token = otel_context.attach(trace.set_span_in_context(spans[0]))
    try:
        yield
    except BaseException as exc:
        for span in spans:
            span.record_exception(exc)
            span.set_status(trace.Status(trace.StatusCode.ERROR, str(exc)))
        raise
    finally:
        if token is not None:
            otel_context.detach(token)
        for span in spans:
            span.end()
