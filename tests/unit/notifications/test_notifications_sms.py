"""SMS: the Twilio-style HTTP provider against a local HTTP receiver, the console provider's
masking, and the alerts and receipts that use them."""

import base64
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.db import transaction
from django.utils import timezone

from mcp_payments.events.models import Event
from notifications.models import MerchantNotificationSettings, NotificationPreference
from notifications.sms import (
    ConsoleSmsProvider,
    HttpSmsProvider,
    SmsFailed,
    SmsRetryable,
    get_provider,
    mask_phone,
)
from tests.unit.notifications.conftest import free_port

pytestmark = pytest.mark.django_db

SID = "AC0123456789"
TOKEN = "sms-auth-token"


class SmsApi:
    """A Twilio-style Messages endpoint on 127.0.0.1 answering `status` (201 by default)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 201
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                api.requests.append(
                    {
                        "path": self.path,
                        "authorization": self.headers["Authorization"],
                        "content_type": self.headers["Content-Type"],
                        "form": {key: values[0] for key, values in parse_qs(body).items()},
                    }
                )
                answer = json.dumps({"sid": f"SM{len(api.requests)}"}).encode()
                self.send_response(api.status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/2010-04-01"


@pytest.fixture
def sms_api(settings) -> Iterator[SmsApi]:
    api = SmsApi()
    thread = threading.Thread(target=api.server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    settings.SMS_PROVIDER = "http"
    settings.SMS_HTTP_BASE_URL = api.base_url
    settings.SMS_ACCOUNT_SID = SID
    settings.SMS_AUTH_TOKEN = TOKEN
    settings.SMS_FROM = "+15005550006"
    try:
        yield api
    finally:
        api.server.shutdown()
        api.server.server_close()
        thread.join(timeout=10)


def test_the_http_provider_posts_the_twilio_form_with_basic_auth(sms_api):
    message_id = get_provider().send("+14155550123", "Hello & welcome")

    assert message_id == "SM1"
    [request] = sms_api.requests
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert (
        request["authorization"] == "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    )
    assert request["content_type"] == "application/x-www-form-urlencoded"
    assert request["form"] == {
        "To": "+14155550123",
        "From": "+15005550006",
        "Body": "Hello & welcome",
    }


@pytest.mark.parametrize(
    ("status", "error"), [(500, SmsRetryable), (429, SmsRetryable), (400, SmsFailed)]
)
def test_the_http_provider_splits_retryable_and_final_failures(sms_api, status, error):
    sms_api.status = status

    with pytest.raises(error):
        get_provider().send("+14155550123", "x")


def test_an_unreachable_provider_is_retryable():
    provider = HttpSmsProvider(
        base_url=f"http://127.0.0.1:{free_port()}",
        account_sid=SID,
        auth_token=TOKEN,
        sender="+15005550006",
        timeout=2,
    )

    with pytest.raises(SmsRetryable):
        provider.send("+14155550123", "x")


def test_the_console_provider_logs_a_masked_number_only(caplog):
    caplog.set_level(logging.INFO, logger="notifications.sms")

    assert ConsoleSmsProvider().send("+14155550123", "Alert") == "console"

    assert mask_phone("+14155550123") == "+*******0123"
    assert "+*******0123" in caplog.text
    assert "4155550123" not in caplog.text


def alert_event(merchant, severity: str) -> None:
    with transaction.atomic():
        Event.objects.create(
            type="compliance.alert_opened",
            merchant=merchant,
            object_type="compliance_alert",
            object_id=f"alert_{severity}",
            data={
                "object": {
                    "id": f"alert_{severity}",
                    "object": "compliance_alert",
                    "kind": "large_transaction",
                    "severity": severity,
                    "object_id": "pay_1",
                }
            },
            created=timezone.now(),
        )


def test_high_severity_alerts_are_texted_to_users_with_a_phone(
    merchant, admin_of, dispatch, sms_api, caplog
):
    caplog.set_level(logging.DEBUG)
    with_phone = admin_of("compliance")
    NotificationPreference.objects.create(user=with_phone, phone="+14155550123")
    admin_of("admin")  # no phone: in-app only
    admin_of("finance")  # not concerned by compliance alerts

    alert_event(merchant, "medium")
    alert_event(merchant, "high")
    dispatch()

    assert [r["form"]["To"] for r in sms_api.requests] == ["+14155550123"]
    assert sms_api.requests[0]["form"]["Body"] == (
        "MCP Payments: high compliance alert large_transaction (alert_high)"
    )
    assert with_phone.notifications.count() == 2
    assert "4155550123" not in caplog.text


def test_customers_get_sms_receipts_when_the_merchant_turns_them_on(
    api, merchant, dispatch, sms_api
):
    MerchantNotificationSettings.objects.create(merchant=merchant, customer_sms_receipts=True)
    customer = api.post(
        "/api/v1/customers", {"name": "Ada", "phone": "+447700900123"}, format="json"
    ).json()
    method = api.post(
        "/api/v1/payment_methods",
        {"type": "card", "card": {"token": "tok_visa"}, "customer": customer["id"]},
        format="json",
    ).json()
    payment = api.post(
        "/api/v1/payments",
        {
            "amount": 2_000,
            "currency": "gbp",
            "customer": customer["id"],
            "payment_method": method["id"],
            "confirm": True,
        },
        format="json",
    ).json()

    dispatch()

    [request] = sms_api.requests
    assert request["form"]["To"] == "+447700900123"
    assert request["form"]["Body"] == (
        f"{merchant.name}: Payment of 20.00 GBP ({payment['id']}). Thank you."
    )


def test_the_send_sms_job_retries_retryable_failures_and_drops_final_ones(monkeypatch, caplog):
    from celery.exceptions import Retry

    from notifications import tasks

    class Failing:
        def __init__(self, error: Exception) -> None:
            self.error = error

        def send(self, to: str, text: str) -> str:
            raise self.error

    retried: list[int] = []

    def fake_retry(*args, **kwargs):
        retried.append(kwargs["countdown"])
        raise Retry()

    monkeypatch.setattr(tasks.send_sms, "retry", fake_retry)
    monkeypatch.setattr(tasks, "get_provider", lambda: Failing(SmsRetryable("503")))
    with pytest.raises(Retry):
        tasks.send_sms.run("+14155550123", "x")
    monkeypatch.setattr(tasks, "get_provider", lambda: Failing(SmsFailed("400")))
    tasks.send_sms.run("+14155550123", "x")

    assert retried == [30]
    assert "sms refused by the provider" in caplog.text
    assert "4155550123" not in caplog.text


def test_an_unknown_provider_is_a_configuration_error(settings):
    settings.SMS_PROVIDER = "pigeon"

    with pytest.raises(ValueError, match="pigeon"):
        get_provider()
