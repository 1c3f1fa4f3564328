"""OpenTelemetry tracing (mcp_payments/tracing.py): one POST /payments gives one trace covering the
HTTP request, its SQL, the relay's publish and the consumer's handling (relay and consumer run
in-process against the real broker; one in-memory exporter)."""

import pytest
from django.db import connection, transaction
from opentelemetry.instrumentation.dbapi import instrument_connection
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from rest_framework.test import APIClient

from mcp_payments import tracing
from mcp_payments.events.consumer import build_consumer
from mcp_payments.events.models import Event
from mcp_payments.events.relay import relay_publish_batch
from mcp_payments.events.services import emit
from tests.fixtures.events import analytics_queue, get_message
from tests.fixtures.factories import CustomerFactory
from wallets import ledger


@pytest.fixture
def exporter(db):
    spans = InMemorySpanExporter()
    provider = tracing.configure(exporter=spans, batch=False)
    # New connections are traced; the test's connection (holding the test transaction) is
    # wrapped the same way by hand.
    connection.ensure_connection()
    raw = connection.connection
    connection.connection = instrument_connection(
        "mcp_payments", raw, "postgresql", tracer_provider=provider
    )
    yield spans
    connection.connection = raw
    tracing.shutdown()
    ledger._platform_cache.clear()


def test_tracing_is_off_unless_the_variable_says_on(monkeypatch):
    assert tracing.enabled_by_environment({}) is False
    assert tracing.enabled_by_environment({"TRACING_ENABLED": "false"}) is False
    assert tracing.enabled_by_environment({"TRACING_ENABLED": " True "}) is True
    assert tracing.enabled_by_environment({"TRACING_ENABLED": "1"}) is True
    monkeypatch.delenv("TRACING_ENABLED", raising=False)
    assert tracing.configure_from_environment() is False
    assert tracing.enabled() is False
    assert tracing.current_traceparent() == ""


@pytest.mark.django_db
def test_with_tracing_off_events_carry_no_trace_context(broker):
    with transaction.atomic():
        event = emit("customer.created", CustomerFactory())
    relay_publish_batch(500)

    message = get_message(broker, analytics_queue())
    event.refresh_from_db()
    assert event.traceparent == ""
    assert message.headers == {"event_type": "customer.created"}


def test_configure_twice_is_refused_and_the_environment_turns_it_on(monkeypatch):
    monkeypatch.setenv("TRACING_ENABLED", "true")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9/")
    try:
        assert tracing.configure_from_environment() is True
        processor = tracing._provider._active_span_processor._span_processors[0]
        assert processor.span_exporter._endpoint == "http://127.0.0.1:9/v1/traces"
        assert tracing.configure_from_environment() is True  # idempotent
        assert tracing.enabled() is True
        with pytest.raises(RuntimeError, match="already configured"):
            tracing.configure(exporter=InMemorySpanExporter())
    finally:
        tracing.shutdown()
    assert tracing.enabled() is False
    tracing.shutdown()  # a second shutdown is a no-op


def _ancestors(span, by_id):
    chain = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        chain.append(span)
    return chain


def test_one_payment_is_one_trace_from_http_to_the_consumer(
    exporter, broker, merchant, api_key_for
):
    # Given a merchant's API client and a card (created before the traced request)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(merchant)}")
    method = api.post(
        "/api/v1/payment_methods", {"type": "card", "card": {"token": "tok_visa"}}, format="json"
    ).json()["id"]
    relay_publish_batch(500)
    while analytics_queue()(broker.default_channel).get(no_ack=True) is not None:
        pass
    exporter.clear()

    # When one payment is created, the relay publishes its events and the consumer handles one
    response = api.post(
        "/api/v1/payments",
        {"amount": 2_500, "currency": "usd", "payment_method": method, "confirm": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    payment_id = response.json()["id"]
    published = relay_publish_batch(500)
    message = get_message(broker, analytics_queue())
    consumer = build_consumer(domains=["analytics"], prefetch=10, batch_size=10)
    try:
        consumer.on_message("analytics", message)
        consumer.flush()
    finally:
        consumer.on_consume_end(None, None)
        consumer.connection.release()

    # Then every span of the request, its SQL, each publish and the handling is in one trace
    spans = exporter.get_finished_spans()
    by_id = {span.context.span_id: span for span in spans}
    server = [span for span in spans if span.kind == SpanKind.SERVER]
    assert [span.attributes["http.route"] for span in server] == ["api/v1/payments"]
    trace_id = server[0].context.trace_id
    assert server[0].parent is None
    # Outside the trace: only the relay's own statements (select the batch, mark it published)
    others = [span for span in spans if span.context.trace_id != trace_id]
    assert {(span.kind, span.parent) for span in others} == {(SpanKind.CLIENT, None)}
    statements = [span.attributes["db.statement"].split()[0] for span in others]
    # (SAVEPOINT/RELEASE: the relay's atomic block nested in the test's transaction)
    assert [verb for verb in statements if verb not in {"SAVEPOINT", "RELEASE"}] == [
        "SELECT",
        "UPDATE",
    ]

    request_sql = [
        span
        for span in spans
        if span.kind == SpanKind.CLIENT and server[0] in _ancestors(span, by_id)
    ]
    assert len(request_sql) >= 5
    assert {span.attributes["db.system"] for span in request_sql} == {"postgresql"}

    events = list(Event.objects.filter(object_id=payment_id).order_by("id"))
    assert len(events) >= 2
    for event in events:
        assert event.traceparent.startswith(f"00-{trace_id:032x}-")
        assert int(event.traceparent[-2:], 16) & 1 == 1  # sampled

    publishes = [span for span in spans if span.kind == SpanKind.PRODUCER]
    assert len(publishes) == published >= len(events)
    for span in publishes:
        assert server[0] in _ancestors(span, by_id)
        assert span.attributes["messaging.system"] == "rabbitmq"
    publish_by_event = {span.attributes["messaging.message.id"]: span for span in publishes}
    assert {event.id for event in events} <= set(publish_by_event)

    handled = message.properties["message_id"]
    carried = message.headers["traceparent"]
    publish = publish_by_event[handled]
    assert carried.startswith(f"00-{trace_id:032x}-{publish.context.span_id:016x}-")
    (consume,) = [span for span in spans if span.kind == SpanKind.CONSUMER]
    assert consume.parent.span_id == publish.context.span_id
    assert consume.attributes["messaging.message.id"] == handled
    consumer_sql = [
        span
        for span in spans
        if span.kind == SpanKind.CLIENT
        and span.parent
        and span.parent.span_id == consume.context.span_id
    ]
    assert any("events_processedevent" in span.attributes["db.statement"] for span in consumer_sql)
