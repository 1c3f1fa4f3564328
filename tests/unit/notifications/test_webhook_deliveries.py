"""Webhook deliveries end to end within one process: events → the subscriber → deliveries →
the `deliver_webhook` job (Celery eager) → a real local HTTP receiver; retries with controlled
time, the 3-day window, the circuit breaker, hostile receivers, SSRF at delivery time, rotation."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from mcp_payments.events.models import Event
from mcp_payments.events.services import emit
from notifications import webhook_http
from notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from notifications.services import deliveries as delivery_services
from notifications.signature import parse, verify
from notifications.tasks import dispatch_due_deliveries
from notifications.url_policy import Target
from tests.fixtures.factories import CustomerFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def emit_customer(merchant, event_type: str = "customer.created") -> Event:
    with transaction.atomic():
        return emit(event_type, CustomerFactory(merchant=merchant))


@pytest.fixture
def steady_jitter(monkeypatch):
    """Retry delays without jitter, so a schedule can be asserted exactly."""
    monkeypatch.setattr(delivery_services.random, "uniform", lambda low, high: (low + high) / 2)


def attempts_of(delivery: WebhookDelivery) -> list[WebhookAttempt]:
    return list(delivery.attempts.order_by("id"))


def sweep(commit) -> int:
    with commit():
        return dispatch_due_deliveries()


def test_an_event_is_posted_signed_with_its_id_and_recorded(
    merchant, endpoint_for, receiver, dispatch
):
    _, secret = endpoint_for(receiver.url)
    with time_machine.travel(T0, tick=False):
        event = emit_customer(merchant)
        dispatch()

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.path == "/hooks"
    assert request.headers["MCP-Payments-Event-Id"] == event.id
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "MCP-Payments-Webhooks/1.0"
    assert request.headers["Host"] == f"127.0.0.1:{receiver.port}"
    signature = request.headers["MCP-Payments-Signature"]
    assert parse(signature)[0] == int(T0.timestamp())
    assert verify(request.body, signature, secret, now=T0.timestamp()) is True
    body = json.loads(request.body)
    assert body["id"] == event.id
    assert body["object"] == "event"
    assert body["type"] == "customer.created"
    assert body["merchant"] == merchant.id
    assert body["data"] == event.data
    delivery = WebhookDelivery.objects.get()
    assert delivery.payload.encode() == request.body
    assert (delivery.status, delivery.attempt_count, delivery.completed_at) == ("succeeded", 1, T0)
    assert delivery.next_attempt_at is None
    [attempt] = attempts_of(delivery)
    assert (attempt.succeeded, attempt.status_code, attempt.response_body) == (
        True,
        200,
        '{"ok": true}',
    )
    assert attempt.error_type == "" and attempt.attempted_at == T0
    assert 0 <= attempt.latency_ms < 5000


def test_only_enabled_matching_endpoints_of_the_merchant_get_the_event(
    merchant, other_merchant, endpoint_for, receiver, dispatch
):
    star, _ = endpoint_for(receiver.url, ["*"])
    exact, _ = endpoint_for(receiver.url, ["customer.created"])
    endpoint_for(receiver.url, ["payment.succeeded"])
    disabled, _ = endpoint_for(receiver.url)
    WebhookEndpoint.objects.filter(pk=disabled.pk).update(status="disabled")
    endpoint_for(receiver.url, owner=other_merchant)

    emit_customer(merchant)
    dispatch()

    assert sorted(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == sorted(
        [star.id, exact.id]
    )
    assert len(receiver.requests) == 2


def test_internal_events_and_redeliveries_create_no_delivery(
    merchant, endpoint_for, receiver, dispatch, commit
):
    from mcp_payments.events.processing import deliver
    from tests.unit.notifications.conftest import published

    endpoint_for(receiver.url, ["*"])
    event = emit_customer(merchant)
    dispatch()
    with commit():
        deliver("notifications", published(event))  # the broker redelivers it
    with transaction.atomic():
        emit("system.alert", WebhookEndpoint.objects.get(), merchant_id=merchant.id, data={})
    with commit():
        internal = Event.objects.get(type="system.alert")
        deliver("notifications", published(internal))

    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.requests) == 1


def test_a_receiver_failing_twice_gets_the_third_attempt(
    merchant, endpoint_for, receiver, dispatch, commit, steady_jitter
):
    _, secret = endpoint_for(receiver.url)
    receiver.answer(("status", 500, b"boom"), ("status", 503, b"busy"))

    with time_machine.travel(T0, tick=False) as clock:
        emit_customer(merchant)
        dispatch()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.next_attempt_at) == (
            "pending",
            T0 + timedelta(seconds=60),
        )
        clock.move_to(T0 + timedelta(seconds=59))
        assert sweep(commit) == 0
        clock.move_to(T0 + timedelta(seconds=60))
        assert sweep(commit) == 1
        delivery.refresh_from_db()
        assert delivery.next_attempt_at == T0 + timedelta(seconds=180)
        clock.move_to(T0 + timedelta(seconds=180))
        assert sweep(commit) == 1

    delivery.refresh_from_db()
    attempts = attempts_of(delivery)
    assert [a.status_code for a in attempts] == [500, 503, 200]
    assert [a.response_body for a in attempts] == ["boom", "busy", '{"ok": true}']
    assert [a.attempted_at for a in attempts] == [
        T0,
        T0 + timedelta(seconds=60),
        T0 + timedelta(seconds=180),
    ]
    assert (delivery.status, delivery.attempt_count) == ("succeeded", 3)
    assert len({request.body for request in receiver.requests}) == 1
    for request, attempt in zip(receiver.requests, attempts, strict=True):
        header = request.headers["MCP-Payments-Signature"]
        assert verify(request.body, header, secret, now=attempt.attempted_at.timestamp())
    assert WebhookEndpoint.objects.get().consecutive_failures == 0


def test_after_three_days_of_failure_the_endpoint_is_disabled_with_event_and_email(
    merchant, endpoint_for, receiver, dispatch, commit, steady_jitter, smtp_server, admin_of
):
    from tests.unit.notifications.conftest import wait_for_mail

    admin = admin_of("admin", email="owner@merchant.test")
    admin_of("viewer", email="viewer@merchant.test")
    endpoint, _ = endpoint_for(receiver.url)
    receiver.default = ("status", 500, b"down")

    with time_machine.travel(T0, tick=False) as clock:
        emit_customer(merchant)
        dispatch()
        delivery = WebhookDelivery.objects.get()
        while delivery.status == "pending":
            clock.move_to(delivery.next_attempt_at)
            sweep(commit)
            delivery.refresh_from_db()
        disabled_events = dispatch("webhook_endpoint.disabled")

    attempts = attempts_of(delivery)
    # 1, 2, 4 ... 256 min, then every 6 h, and a last one when the 3 days end.
    assert len(attempts) == 21
    assert attempts[-1].attempted_at == T0 + timedelta(days=3)
    assert (delivery.status, delivery.completed_at) == ("failed", T0 + timedelta(days=3))
    endpoint.refresh_from_db()
    assert (endpoint.status, endpoint.disabled_at) == ("disabled", T0 + timedelta(days=3))
    assert disabled_events == ["webhook_endpoint.disabled"]
    event = Event.objects.get(type="webhook_endpoint.disabled")
    assert event.merchant_id == merchant.id
    assert event.data["object"]["id"] == endpoint.id
    assert event.data["object"]["status"] == "disabled"
    assert not {"secret", "secret_ciphertext", "previous_secret_ciphertext"} & set(
        event.data["object"]
    )
    [mail] = wait_for_mail(smtp_server, 1)
    assert mail.recipients == ["owner@merchant.test"]
    assert mail.subject == f"Webhook endpoint disabled: {receiver.url}"
    assert endpoint.id in mail.text and receiver.url in mail.text
    assert endpoint.id in mail.html
    [notification] = admin.notifications.all()
    assert (notification.kind, notification.object_id) == ("webhook_endpoint.disabled", endpoint.id)


def test_an_endpoint_that_recovered_is_not_disabled_when_an_old_delivery_expires(
    merchant, endpoint_for, receiver, dispatch, commit, steady_jitter
):
    endpoint_for(receiver.url)
    receiver.answer(("status", 400, b"bad"))
    with time_machine.travel(T0, tick=False) as clock:
        emit_customer(merchant)
        dispatch()
        first = WebhookDelivery.objects.get()
        receiver.default = ("status", 200, b"")
        clock.move_to(T0 + timedelta(seconds=1))
        emit_customer(merchant)
        dispatch()  # the endpoint answers 2xx again
        receiver.default = ("status", 422, b"still bad for the first one")
        first.refresh_from_db()
        while first.status == "pending":
            clock.move_to(first.next_attempt_at)
            sweep(commit)
            first.refresh_from_db()

    assert first.status == "failed"
    assert WebhookEndpoint.objects.get().status == "enabled"
    assert not Event.objects.filter(type="webhook_endpoint.disabled").exists()


def test_circuit_breaker_defers_new_deliveries_until_a_probe_succeeds(
    merchant, endpoint_for, receiver, dispatch, commit, steady_jitter
):
    endpoint, _ = endpoint_for(receiver.url)
    receiver.default = ("status", 503, b"")
    with (
        override_settings(WEBHOOK_CIRCUIT_FAILURE_THRESHOLD=3, WEBHOOK_CIRCUIT_PROBE_SECONDS=300),
        time_machine.travel(T0, tick=False) as clock,
    ):
        for _ in range(3):
            emit_customer(merchant)
        dispatch()
        endpoint.refresh_from_db()
        assert (endpoint.consecutive_failures, endpoint.circuit_probe_at) == (
            3,
            T0 + timedelta(seconds=300),
        )
        emit_customer(merchant)
        dispatch()  # open circuit: deferred, not attempted
        assert len(receiver.requests) == 3
        clock.move_to(T0 + timedelta(seconds=120))
        assert sweep(commit) == 3  # the retries are due, and deferred too
        assert len(receiver.requests) == 3
        pending = WebhookDelivery.objects.filter(status="pending")
        assert pending.count() == 4
        assert all(
            T0 + timedelta(seconds=300) <= d.next_attempt_at <= T0 + timedelta(seconds=330)
            for d in pending
        )
        receiver.default = ("status", 200, b"")
        clock.move_to(T0 + timedelta(seconds=400))
        assert sweep(commit) == 4

    assert len(receiver.requests) == 7
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.circuit_probe_at) == (0, None)


def test_a_failing_probe_keeps_the_circuit_open(
    merchant, endpoint_for, receiver, dispatch, commit, steady_jitter
):
    endpoint_for(receiver.url)
    receiver.default = ("status", 500, b"")
    with (
        override_settings(WEBHOOK_CIRCUIT_FAILURE_THRESHOLD=1, WEBHOOK_CIRCUIT_PROBE_SECONDS=300),
        time_machine.travel(T0, tick=False) as clock,
    ):
        emit_customer(merchant)
        emit_customer(merchant)
        dispatch()
        assert len(receiver.requests) == 1  # the second was deferred
        clock.move_to(T0 + timedelta(seconds=301))
        sweep(commit)

    # The first due delivery was the probe; it failed, so the other was deferred again.
    assert len(receiver.requests) == 2
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.consecutive_failures == 2
    assert endpoint.circuit_probe_at == T0 + timedelta(seconds=601)


@pytest.mark.parametrize(
    ("behaviour", "status_code", "error_type", "stored"),
    [
        (("status", 302, b"", {"Location": "http://127.0.0.1:1/elsewhere"}), 302, "", ""),
        (("status", 404, b"no such hook"), 404, "", "no such hook"),
        (("status", 429, b"slow down"), 429, "", "slow down"),
        (("status", 500, b"x" * 5000), 500, "", "x" * 1024),
        (("hang", 3), None, "ReadTimeoutError", ""),
        (("reset",), None, "ProtocolError", ""),
        (("huge", 50 * 1024 * 1024), 500, "", "x" * 1024),
    ],
    ids=["redirect", "404", "429", "500-long-body", "hang", "reset", "huge-body"],
)
def test_hostile_receivers_are_recorded_and_retried(
    merchant,
    endpoint_for,
    receiver,
    dispatch,
    steady_jitter,
    behaviour,
    status_code,
    error_type,
    stored,
):
    endpoint_for(receiver.url)
    receiver.answer(behaviour)

    with time_machine.travel(T0, tick=False):
        emit_customer(merchant)
        dispatch()

    delivery = WebhookDelivery.objects.get()
    [attempt] = attempts_of(delivery)
    assert (attempt.succeeded, attempt.status_code, attempt.error_type) == (
        False,
        status_code,
        error_type,
    )
    assert attempt.response_body == stored
    assert (delivery.status, delivery.next_attempt_at) == ("pending", T0 + timedelta(seconds=60))
    assert len(receiver.requests) == 1  # a redirect is not followed
    if behaviour[0] == "hang":
        assert 900 <= attempt.latency_ms < 2500
        assert "timed out" in attempt.error_message
    else:
        assert attempt.latency_ms < 2500  # a huge body is not read


def test_a_closed_port_is_a_connection_error(merchant, endpoint_for, dispatch, steady_jitter):
    from tests.unit.notifications.conftest import free_port

    endpoint_for(f"http://127.0.0.1:{free_port()}/hooks")

    emit_customer(merchant)
    dispatch()

    [attempt] = attempts_of(WebhookDelivery.objects.get())
    assert (attempt.status_code, attempt.error_type) == (None, "NewConnectionError")


def test_a_live_host_that_now_resolves_to_loopback_is_refused_before_connecting(
    merchant, client_for, fake_dns, receiver, dispatch
):
    fake_dns["hooks.example.com"] = ["93.184.215.14"]
    live = client_for(merchant, mode="live")
    created = live.post(
        "/api/v1/webhook_endpoints",
        {"url": f"https://hooks.example.com:{receiver.port}/hooks", "enabled_events": ["*"]},
        format="json",
    )
    assert created.status_code == 201
    fake_dns["hooks.example.com"] = ["127.0.0.1"]  # DNS rebinding

    emit_customer(merchant)
    dispatch()

    [attempt] = attempts_of(WebhookDelivery.objects.get())
    assert (attempt.status_code, attempt.error_type) == (None, "UnsafeUrl")
    assert "private, loopback" in attempt.error_message
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "https://[::1]:1/"]
)
def test_unsafe_urls_stored_behind_the_api_are_refused_at_delivery(
    merchant, endpoint_for, receiver, dispatch, url
):
    endpoint, _ = endpoint_for(receiver.url)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=url, livemode=True)

    emit_customer(merchant)
    dispatch()

    [attempt] = attempts_of(WebhookDelivery.objects.get())
    assert attempt.error_type == "UnsafeUrl"
    assert receiver.requests == []


def test_the_connection_goes_to_the_checked_address_with_the_url_host(receiver):
    target = Target(
        scheme="http", host="hooks.invalid", port=receiver.port, path="/hooks?x=1", ip="127.0.0.1"
    )

    outcome = webhook_http.post(target, b"{}", {"X-Test": "1"}, timeout=2)

    assert outcome.status_code == 200
    [request] = receiver.requests
    assert request.headers["Host"] == f"hooks.invalid:{receiver.port}"
    assert request.path == "/hooks?x=1"


def test_both_secrets_sign_during_rotation_then_only_the_new_one(merchant, api, receiver, dispatch):
    created = api.post(
        "/api/v1/webhook_endpoints",
        {"url": receiver.url, "enabled_events": ["customer.created"]},
        format="json",
    ).json()
    old = created["secret"]
    with time_machine.travel(T0, tick=False) as clock:
        new = api.post(f"/api/v1/webhook_endpoints/{created['id']}/rotate_secret").json()["secret"]
        emit_customer(merchant)
        dispatch()
        clock.move_to(T0 + timedelta(hours=24, seconds=1))
        emit_customer(merchant)
        dispatch()

    during, after = receiver.requests
    header = during.headers["MCP-Payments-Signature"]
    assert len(parse(header)[1]) == 2
    assert verify(during.body, header, old, now=T0.timestamp())
    assert verify(during.body, header, new, now=T0.timestamp())
    later = (T0 + timedelta(hours=24, seconds=1)).timestamp()
    header = after.headers["MCP-Payments-Signature"]
    assert len(parse(header)[1]) == 1
    assert verify(after.body, header, new, now=later)
    assert not verify(after.body, header, old, now=later)


def test_secrets_never_reach_the_logs(merchant, api, receiver, dispatch, caplog):
    caplog.set_level(logging.DEBUG)
    created = api.post(
        "/api/v1/webhook_endpoints", {"url": receiver.url, "enabled_events": ["*"]}, format="json"
    ).json()
    rotated = api.post(f"/api/v1/webhook_endpoints/{created['id']}/rotate_secret").json()
    receiver.answer(("status", 500, b"fail once"))
    emit_customer(merchant)
    dispatch()
    delivery = WebhookDelivery.objects.get()
    api.post(f"/api/v1/webhook_deliveries/{delivery.id}/retry")

    assert len(receiver.requests) == 2
    assert caplog.records  # the logs were captured
    for secret in (created["secret"], rotated["secret"]):
        assert secret not in caplog.text
        assert secret[6:] not in caplog.text


def test_deliveries_list_newest_first_with_attempts_and_manual_retry(
    merchant, api, client_for, other_merchant, receiver, dispatch, steady_jitter
):
    created = api.post(
        "/api/v1/webhook_endpoints", {"url": receiver.url, "enabled_events": ["*"]}, format="json"
    ).json()
    receiver.answer(("status", 500, b"first"))
    with time_machine.travel(T0, tick=False):
        first = emit_customer(merchant)
        dispatch()
        second = emit_customer(merchant)
        dispatch()

    listing = api.get(f"/api/v1/webhook_endpoints/{created['id']}/deliveries").json()
    failed_only = api.get(
        f"/api/v1/webhook_endpoints/{created['id']}/deliveries?status=pending"
    ).json()
    failed_id = listing["data"][1]["id"]
    retried = api.post(f"/api/v1/webhook_deliveries/{failed_id}/retry")
    outsider = client_for(other_merchant).post(f"/api/v1/webhook_deliveries/{failed_id}/retry")

    assert [item["event"] for item in listing["data"]] == [second.id, first.id]
    assert listing["data"][1] == {
        "id": failed_id,
        "object": "webhook_delivery",
        "created": "2026-11-26T12:00:00Z",
        "endpoint": created["id"],
        "event": first.id,
        "event_type": "customer.created",
        "status": "pending",
        "attempt_count": 1,
        "next_attempt_at": "2026-11-26T12:01:00Z",
        "completed_at": None,
        "attempts": [
            {
                "attempted_at": "2026-11-26T12:00:00Z",
                "succeeded": False,
                "status_code": 500,
                "latency_ms": listing["data"][1]["attempts"][0]["latency_ms"],
                "response_body": "first",
                "error": None,
                "manual": False,
            }
        ],
    }
    assert [item["id"] for item in failed_only["data"]] == [failed_id]
    assert retried.status_code == 200
    body = retried.json()
    assert (body["status"], body["attempt_count"], body["next_attempt_at"]) == (
        "succeeded",
        2,
        None,
    )
    assert [(a["status_code"], a["manual"]) for a in body["attempts"]] == [
        (500, False),
        (200, True),
    ]
    assert outsider.status_code == 404
    assert len(receiver.requests) == 3


def test_retry_is_refused_while_the_endpoint_is_disabled(merchant, api, receiver, dispatch):
    created = api.post(
        "/api/v1/webhook_endpoints", {"url": receiver.url, "enabled_events": ["*"]}, format="json"
    ).json()
    emit_customer(merchant)
    dispatch()
    delivery = WebhookDelivery.objects.get()
    api.post(f"/api/v1/webhook_endpoints/{created['id']}", {"status": "disabled"}, format="json")

    response = api.post(f"/api/v1/webhook_deliveries/{delivery.id}/retry")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "webhook_endpoint_disabled"
    assert WebhookAttempt.objects.count() == 1


def test_pending_deliveries_of_a_deleted_endpoint_end_failed_without_attempt(
    merchant, api, receiver, dispatch, commit
):
    created = api.post(
        "/api/v1/webhook_endpoints", {"url": receiver.url, "enabled_events": ["*"]}, format="json"
    ).json()
    receiver.answer(("status", 500, b""))
    with time_machine.travel(T0, tick=False) as clock:
        emit_customer(merchant)
        dispatch()
        api.delete(f"/api/v1/webhook_endpoints/{created['id']}")
        clock.move_to(T0 + timedelta(minutes=5))
        sweep(commit)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count) == ("failed", 1)
    assert len(receiver.requests) == 1


def test_a_lost_task_is_queued_again_after_its_lease(merchant, endpoint_for, receiver, commit):
    endpoint_for(receiver.url)
    with time_machine.travel(T0, tick=False) as clock:
        emit_customer(merchant)
        # The subscriber ran but its queued job never reached a worker.
        from mcp_payments.events.processing import deliver
        from tests.unit.notifications.conftest import published

        deliver("notifications", published(Event.objects.get()))
        assert receiver.requests == []
        clock.move_to(T0 + timedelta(seconds=899))
        assert sweep(commit) == 0
        clock.move_to(T0 + timedelta(seconds=900))
        assert sweep(commit) == 1

    assert WebhookDelivery.objects.get().status == "succeeded"
    assert len(receiver.requests) == 1


def test_admin_retry_now_action(merchant, endpoint_for, receiver, dispatch, staff_user):
    from django.test import Client

    endpoint_for(receiver.url)
    receiver.answer(("status", 500, b""))
    emit_customer(merchant)
    dispatch()
    delivery = WebhookDelivery.objects.get()
    browser = Client()
    browser.force_login(staff_user)

    page = browser.get(f"/admin/notifications/webhookdelivery/{delivery.id}/change/")
    response = browser.post(
        "/admin/notifications/webhookdelivery/",
        {"action": "retry_now", "_selected_action": [delivery.id]},
    )

    assert page.status_code == 200
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("succeeded", 2)
    endpoints_page = browser.get(
        f"/admin/notifications/webhookendpoint/{delivery.endpoint_id}/change/"
    )
    assert endpoints_page.status_code == 200
    assert b"secret_ciphertext" not in endpoints_page.content
