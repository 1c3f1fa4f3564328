"""Email through a real SMTP server (aiosmtpd on 127.0.0.1): receipts learned from events of a
payment made through the API, merchant emails per role and preference, and SMTP failures."""

import smtplib
from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.utils import timezone

from mcp_payments.events.models import Event
from notifications.models import CustomerContact, MerchantNotificationSettings
from notifications.services.email import (
    EmailFailed,
    EmailRetryable,
    email_send,
    format_amount,
    notify_merchant_admins,
    render_email,
)
from tests.unit.notifications.conftest import free_port, wait_for_mail

pytestmark = pytest.mark.django_db


def make_event(event_type: str, merchant, obj: dict) -> Event:
    """An event as another app would emit it (notifications only ever sees events)."""
    with transaction.atomic():
        return Event.objects.create(
            type=event_type,
            merchant=merchant,
            object_type=obj["object"],
            object_id=obj["id"],
            data={"object": obj},
            created=timezone.now(),
        )


def pay(api, customer_id: str, amount: int = 12_345, description: str = "Blue mug") -> dict:
    method = api.post(
        "/api/v1/payment_methods",
        {"type": "card", "card": {"token": "tok_visa"}, "customer": customer_id},
        format="json",
    )
    assert method.status_code == 201, method.json()
    payment = api.post(
        "/api/v1/payments",
        {
            "amount": amount,
            "currency": "usd",
            "customer": customer_id,
            "payment_method": method.json()["id"],
            "confirm": True,
            "description": description,
        },
        format="json",
    )
    assert payment.status_code == 201, payment.json()
    return payment.json()


@pytest.fixture
def customer(api) -> dict:
    response = api.post(
        "/api/v1/customers", {"name": "Ada Lovelace", "email": "ada@example.com"}, format="json"
    )
    return response.json()


def test_a_payment_made_through_the_api_emails_the_customer_a_receipt(
    api, merchant, customer, dispatch, smtp_server
):
    payment = pay(api, customer["id"])

    dispatch()

    [mail] = wait_for_mail(smtp_server, 1)
    assert mail.recipients == ["ada@example.com"]
    assert mail.sender == "no-reply@test.local"
    assert mail.subject == f"Your receipt from {merchant.name}"
    assert "Hello Ada Lovelace," in mail.text
    assert "Amount paid: 123.45 USD" in mail.text
    assert f"Reference: {payment['id']}" in mail.text
    assert "Description: Blue mug" in mail.text
    assert "<strong>123.45 USD</strong>" in mail.html
    assert f"<code>{payment['id']}</code>" in mail.html
    assert merchant.name in mail.html


def test_a_refund_emails_the_customer_a_refund_receipt(
    api, merchant, customer, dispatch, smtp_server
):
    payment = pay(api, customer["id"], amount=5_000)
    dispatch()
    refund = api.post("/api/v1/refunds", {"payment": payment["id"], "amount": 1_500}, format="json")
    assert refund.status_code == 201, refund.json()

    dispatch()

    _receipt, refund_mail = wait_for_mail(smtp_server, 2)
    assert refund_mail.recipients == ["ada@example.com"]
    assert refund_mail.subject == f"Your refund from {merchant.name}"
    assert f"{merchant.name} refunded 15.00 USD to you." in refund_mail.text
    assert f"Refund: {refund.json()['id']}" in refund_mail.text
    assert f"Original payment: {payment['id']}" in refund_mail.text
    assert "<strong>15.00 USD</strong>" in refund_mail.html


def test_an_erased_customer_gets_no_more_email(api, customer, dispatch, smtp_server):
    payment = pay(api, customer["id"])
    dispatch()
    assert api.delete(f"/api/v1/customers/{customer['id']}").status_code == 200
    api.post("/api/v1/refunds", {"payment": payment["id"]}, format="json")

    dispatch()

    assert len(wait_for_mail(smtp_server, 1)) == 1  # the receipt, sent before the erasure
    contact = CustomerContact.objects.get(pk=customer["id"])
    assert (contact.email, contact.name, contact.phone, contact.deleted) == ("", "", "", True)


def test_receipts_follow_customer_updates_and_the_merchant_setting(
    api, merchant, customer, dispatch, smtp_server
):
    api.post(f"/api/v1/customers/{customer['id']}", {"email": "ada@new.example"}, format="json")
    pay(api, customer["id"])
    dispatch()
    MerchantNotificationSettings.objects.create(merchant=merchant, customer_email_receipts=False)
    pay(api, customer["id"])
    dispatch()

    [mail] = wait_for_mail(smtp_server, 1)
    assert mail.recipients == ["ada@new.example"]


def test_payments_without_a_customer_email_send_nothing(api, dispatch, smtp_server):
    nobody = api.post("/api/v1/customers", {"name": "No Mail"}, format="json").json()
    pay(api, nobody["id"])

    dispatch()

    assert smtp_server.received == []


@pytest.mark.parametrize(
    ("event_type", "obj", "subject", "text"),
    [
        (
            "payout.paid",
            {"id": "po_1", "object": "payout", "amount": 250_000, "currency": "eur"},
            "Payout of 2,500.00 EUR paid",
            "Payout po_1 of 2,500.00 EUR was paid to your bank account.",
        ),
        (
            "payout.failed",
            {
                "id": "po_2",
                "object": "payout",
                "amount": 1_000,
                "currency": "jpy",
                "failure_code": "account_closed",
            },
            "Payout of 1,000 JPY failed",
            "Payout po_2 of 1,000 JPY failed (account_closed).",
        ),
        (
            "dispute.created",
            {
                "id": "dp_1",
                "object": "dispute",
                "payment": "pay_1",
                "amount": 4_200,
                "currency": "usd",
                "reason": "fraudulent",
            },
            "Dispute opened: 42.00 USD",
            "A customer disputed payment pay_1.",
        ),
    ],
    ids=["payout-paid", "payout-failed", "dispute-opened"],
)
def test_merchant_emails_go_to_the_roles_concerned(
    merchant, admin_of, dispatch, smtp_server, event_type, obj, subject, text
):
    admin_of("admin", email="admin@merchant.test")
    admin_of("finance", email="finance@merchant.test")
    admin_of("viewer", email="viewer@merchant.test")
    admin_of("admin", email="")  # no address: nothing to send

    make_event(event_type, merchant, obj)
    dispatch()

    mails = wait_for_mail(smtp_server, 2)
    assert sorted(recipient for mail in mails for recipient in mail.recipients) == [
        "admin@merchant.test",
        "finance@merchant.test",
    ]
    for mail in mails:
        assert mail.subject == subject
        assert text in mail.text
        assert obj["id"] in mail.html


def test_an_admin_who_turned_email_off_gets_none(merchant, admin_of, dispatch, smtp_server):
    from notifications.models import NotificationPreference

    quiet = admin_of("admin", email="quiet@merchant.test")
    admin_of("admin", email="loud@merchant.test")
    NotificationPreference.objects.create(user=quiet, channels={"payout.paid": ["in_app"]})

    make_event("payout.paid", merchant, {"id": "po_3", "object": "payout", "amount": 1})
    dispatch()

    [mail] = wait_for_mail(smtp_server, 1)
    assert mail.recipients == ["loud@merchant.test"]


def test_notify_merchant_admins_sends_report_ready_to_admins(
    merchant, admin_of, commit, smtp_server
):
    admin_of("admin", email="admin@merchant.test")
    admin_of("finance", email="finance@merchant.test")

    with commit():
        count = notify_merchant_admins(
            merchant_id=merchant.id,
            template="report_ready",
            context={
                "report_name": "Monthly revenue",
                "run_id": "rr_1",
                "download_url": "https://x",
            },
        )

    assert count == 1
    [mail] = wait_for_mail(smtp_server, 1)
    assert mail.recipients == ["admin@merchant.test"]
    assert mail.subject == "Your report Monthly revenue is ready"
    assert "Download it: https://x" in mail.text
    assert 'href="https://x"' in mail.html


def test_agent_approval_requested_emails_admins(merchant, admin_of, dispatch, smtp_server):
    admin_of("admin", email="admin@merchant.test")

    make_event(
        "agent.approval_requested",
        merchant,
        {
            "id": "appr_1",
            "object": "agent_approval",
            "tool": "create_payout",
            "amount": 900_000,
            "currency": "usd",
        },
    )
    dispatch()

    [mail] = wait_for_mail(smtp_server, 1)
    assert mail.subject == "Approval requested: create_payout"
    assert "An AI agent asked to run create_payout for 9,000.00 USD" in mail.text
    assert "appr_1" in mail.html


def test_every_template_renders_text_and_html():
    from notifications.services.email import TEMPLATES

    for template in sorted(TEMPLATES):
        rendered = render_email(template, {"merchant_name": "Shop & Co", "amount": "1.00 USD"})
        assert rendered.subject, template
        assert "&amp;" not in rendered.subject + rendered.text, template
        assert rendered.html.startswith("<!doctype html>"), template


def test_amounts_are_formatted_with_the_currency_exponent():
    assert format_amount(123_456_789, "usd") == "1,234,567.89 USD"
    assert format_amount(5, "eur") == "0.05 EUR"
    assert format_amount(1_500, "jpy") == "1,500 JPY"
    assert format_amount(-250, "gbp") == "-2.50 GBP"


def test_smtp_failures_are_split_into_retryable_and_final(smtp_server, settings):
    class Refusing:
        async def handle_RCPT(self, server, session, envelope, address, options):
            return "550 no such user"

    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_PORT = port
        with pytest.raises(EmailFailed):
            email_send(template="payout_paid", to=["x@example.com"], context={})
    finally:
        controller.stop()
    settings.EMAIL_PORT = free_port()  # nothing listens
    with pytest.raises(EmailRetryable) as raised:
        email_send(template="payout_paid", to=["x@example.com"], context={})
    assert isinstance(raised.value.__cause__, ConnectionRefusedError | smtplib.SMTPException)


def test_the_send_email_job_retries_when_the_server_is_down(settings, monkeypatch):
    from celery.exceptions import Retry

    from notifications import tasks

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = free_port()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    retried: list[int] = []

    def fake_retry(*args, **kwargs):
        retried.append(kwargs["countdown"])
        raise Retry()

    monkeypatch.setattr(tasks.send_email, "retry", fake_retry)
    for _ in range(20):
        with pytest.raises(Retry):
            tasks.send_email.run("payout_paid", ["x@example.com"], {})

    # First retry: jittered (full jitter) within the 30 s backoff base; bounded retries.
    assert len(retried) == 20
    assert all(0 <= countdown <= 30 for countdown in retried)
    assert len(set(retried)) > 1
    assert tasks.send_email.max_retries == 8


def test_receipt_dates_come_from_the_event(api, customer, dispatch, smtp_server):
    pay(api, customer["id"])

    dispatch()

    [mail] = wait_for_mail(smtp_server, 1)
    assert f"Date: {datetime.now(UTC):%Y-%m-%d}" in mail.text
