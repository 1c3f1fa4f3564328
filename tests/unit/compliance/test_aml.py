"""AML rules on payment.succeeded events, the alerts they open, and the audit-chain alert."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from compliance import tasks
from compliance.aml import aml_screen_payment, large_transaction_threshold
from compliance.models import Alert
from compliance.selectors.audit import VerifyResult
from mcp_payments.api.ids import new_id
from mcp_payments.events.models import Event
from mcp_payments.events.processing import deliver
from payments.models import Customer, Payment

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def succeeded(merchant, *, amount: int, customer: str | None = "cus_1", at=NOW, currency="usd"):
    """A captured payment row (the AML rule's history, read through a payments selector) and its
    committed payment.succeeded event."""
    if customer is not None:
        Customer.objects.get_or_create(id=customer, defaults={"merchant": merchant})
    row = Payment.objects.create(
        merchant=merchant,
        customer_id=customer,
        amount=amount,
        amount_received=amount,
        currency=currency,
        status="succeeded",
        captured_at=at,
        created=at,
        updated=at,
    )
    payment = {
        "id": row.id,
        "object": "payment",
        "amount": amount,
        "amount_received": amount,
        "currency": currency,
        "customer": customer,
        "status": "succeeded",
    }
    event = Event.objects.create(
        id=new_id("evt"),
        type="payment.succeeded",
        merchant=merchant,
        object_type="payment",
        object_id=payment["id"],
        data={"object": payment},
        created=at,
    )
    return {
        "id": event.id,
        "type": event.type,
        "created": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "merchant": merchant.id,
        "data": {"object": payment},
    }


def screen(event):
    with transaction.atomic():
        return aml_screen_payment(event=event)


def test_a_large_payment_opens_one_alert_and_emits_its_event(merchant):
    event = succeeded(merchant, amount=1_000_000)

    [alert] = screen(event)
    assert screen(event) == []  # redelivered: nothing new

    assert alert.id.startswith("alert_")
    assert alert.kind == "large_transaction"
    assert alert.severity == "medium"
    assert alert.status == "open"
    assert alert.merchant_id == merchant.id
    assert alert.object_id == event["data"]["object"]["id"]
    assert alert.details == {"amount": 1_000_000, "currency": "usd", "threshold": 1_000_000}
    opened = Event.objects.get(type="compliance.alert_opened")
    assert opened.merchant_id == merchant.id
    assert opened.object_id == alert.id
    assert opened.data["object"]["object"] == "compliance_alert"
    assert opened.data["object"]["kind"] == "large_transaction"
    assert Alert.objects.count() == 1


def test_a_payment_below_the_threshold_opens_nothing(merchant):
    assert screen(succeeded(merchant, amount=999_999)) == []
    assert not Alert.objects.exists()
    assert not Event.objects.filter(type="compliance.alert_opened").exists()


def test_thresholds_are_per_currency(settings, merchant):
    settings.AML_LARGE_TRANSACTION_THRESHOLDS = {"jpy": 1_500_000}
    assert large_transaction_threshold("jpy") == 1_500_000
    assert large_transaction_threshold("eur") == 1_000_000
    assert screen(succeeded(merchant, amount=1_200_000, currency="jpy", customer=None)) == []
    assert len(screen(succeeded(merchant, amount=1_200_000, currency="eur"))) == 1


def test_three_just_below_threshold_payments_in_a_day_are_structuring(merchant):
    first = succeeded(merchant, amount=950_000, at=NOW - timedelta(hours=20))
    second = succeeded(merchant, amount=900_000, at=NOW - timedelta(hours=3))
    assert screen(first) == []
    assert screen(second) == []
    third = succeeded(merchant, amount=999_999, at=NOW)

    [alert] = screen(third)
    fourth = succeeded(merchant, amount=990_000, at=NOW + timedelta(minutes=5))
    assert screen(fourth) == []  # one alert per customer per day

    assert alert.kind == "structuring"
    assert alert.severity == "high"
    assert alert.object_id == "cus_1"
    assert alert.details["payments"] == sorted(
        event["data"]["object"]["id"] for event in (first, second, third)
    )
    assert Event.objects.filter(type="compliance.alert_opened").count() == 1


def test_structuring_needs_the_payments_within_24_hours_by_one_customer(merchant, other_merchant):
    succeeded(merchant, amount=950_000, at=NOW - timedelta(hours=25))
    succeeded(merchant, amount=950_000, at=NOW - timedelta(hours=1), customer="cus_2")
    succeeded(other_merchant, amount=950_000, at=NOW - timedelta(hours=1))
    succeeded(merchant, amount=899_999, at=NOW - timedelta(hours=1))
    succeeded(merchant, amount=950_000, at=NOW - timedelta(hours=2))
    assert screen(succeeded(merchant, amount=950_000, at=NOW)) == []
    assert not Alert.objects.exists()


def test_the_compliance_subscriber_runs_the_rules_once_per_event(merchant):
    event = succeeded(merchant, amount=2_000_000)
    assert deliver("compliance", event) == []
    assert deliver("compliance", event) == []
    assert Alert.objects.count() == 1


def test_a_broken_audit_chain_opens_a_critical_alert_once(monkeypatch):
    broken = VerifyResult(
        ok=False, checked=4, first_broken_position=5, first_broken_id="aud_X", reason="bad hash"
    )
    monkeypatch.setattr(tasks, "audit_seal_and_verify", lambda: broken)

    result = tasks.verify_audit_log()
    tasks.verify_audit_log()

    assert result["ok"] is False
    alert = Alert.objects.get()
    assert alert.kind == "audit_chain_broken"
    assert alert.severity == "critical"
    assert alert.object_id == "aud_X"
    assert alert.merchant_id is None
    assert alert.details["reason"] == "bad hash"
    assert Event.objects.filter(type="compliance.alert_opened").count() == 1


def test_an_intact_audit_chain_opens_nothing(monkeypatch):
    monkeypatch.setattr(tasks, "audit_seal_and_verify", lambda: VerifyResult(ok=True, checked=3))
    assert tasks.verify_audit_log()["ok"] is True
    assert not Alert.objects.exists()
