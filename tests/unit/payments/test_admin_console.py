"""The payments console: money formatted with the currency's symbol and exponent, columns that
fit, state-aware buttons, and capture/refund/cancel pages that call the services outside any
transaction of their own (Django wraps change forms in one; these pages are not change forms)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

import payments.providers as providers
from compliance.models import AuditEntry
from mcp_payments.accounts.context import system_context
from mcp_payments.api.money import format_money
from mcp_payments.events.models import Event
from payments.models import Payment, Refund
from payments.services import payments, refunds
from tests.fixtures import recording_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    user = get_user_model().objects.create_user("ops", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def page_of(admin_client, payment_id: str) -> str:
    response = admin_client.get(f"/admin/payments/payment/{payment_id}/change/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (10_000, "usd", "$100.00"),
        (500, "jpy", "¥500"),
        (123_456, "eur", "€1,234.56"),
        (-5, "gbp", "-£0.05"),
        (7, "krw", "₩7"),
        (1, "xyz", "1 XYZ"),
    ],
)
def test_money_is_shown_with_symbol_and_exponent(amount, currency, shown):
    assert format_money(amount, currency) == shown


def test_list_shows_id_amount_currency_status_customer_created(pay, admin_client):
    payment = pay("tok_visa", amount=8_000).json()
    listing = admin_client.get("/admin/payments/payment/").content.decode()
    assert payment["id"] in listing
    assert "$80.00" in listing
    head = listing[listing.index("<thead") : listing.index("</thead>")]
    shown = re.findall(r">\s*([A-Z][a-z]+)\s*<", head)
    assert shown == ["Id", "Amount", "Currency", "Status", "Customer", "Created"]


def test_buttons_follow_the_payment_state(pay, admin_client):
    paid = pay("tok_visa", amount=1_000).json()
    authorized = pay("tok_visa", amount=2_000, capture_method="manual").json()
    html = page_of(admin_client, paid["id"])
    assert f"{paid['id']}/refund/" in html
    assert f"{paid['id']}/capture/" not in html and f"{paid['id']}/cancel/" not in html
    html = page_of(admin_client, authorized["id"])
    assert f"{authorized['id']}/capture/" in html
    assert f"{authorized['id']}/cancel/" in html
    assert f"{authorized['id']}/refund/" not in html
    admin_client.post(f"/admin/payments/payment/{paid['id']}/refund/", {"reason": "duplicate"})
    html = page_of(admin_client, paid["id"])
    assert f"{paid['id']}/refund/" not in html  # nothing left to refund
    assert "$10.00" in html  # amount, received and refunded


def test_refund_page_shows_its_title_once_and_formats_amounts(pay, admin_client):
    payment = pay("tok_visa", amount=12_345).json()
    html = admin_client.get(f"/admin/payments/payment/{payment['id']}/refund/").content.decode()
    assert html.count('<h2 class="font-semibold mb-4 text-lg') == 1
    assert html.count(f"Refund {payment['id']}</h2>") == 1
    assert "$123.45" in html


def test_partial_refund_then_a_refused_one_changes_nothing(pay, admin_client):
    payment = pay("tok_visa", amount=8_000).json()
    done = admin_client.post(
        f"/admin/payments/payment/{payment['id']}/refund/",
        {"amount": "2500", "reason": "requested_by_customer"},
    )
    assert (done.status_code, done["Location"]) == (
        302,
        f"/admin/payments/payment/{payment['id']}/change/",
    )
    refund = Refund.objects.get(payment_id=payment["id"])
    assert (refund.amount, refund.status) == (2_500, "succeeded")
    assert "of $25.00: succeeded" in page_of(admin_client, payment["id"])
    events, audits = Event.objects.count(), AuditEntry.objects.count()
    refused = admin_client.post(
        f"/admin/payments/payment/{payment['id']}/refund/",
        {"amount": "99999", "reason": "duplicate"},
    )
    assert refused.status_code == 200
    assert "Cannot refund 99999: only 5500 remains refundable." in refused.content.decode()
    assert Refund.objects.count() == 1
    assert (Event.objects.count(), AuditEntry.objects.count()) == (events, audits)
    assert Payment.objects.get(pk=payment["id"]).amount_refunded == 2_500


def test_capture_and_cancel_pages(pay, admin_client):
    authorized = pay("tok_visa", amount=5_000, capture_method="manual").json()
    other = pay("tok_visa", amount=3_000, capture_method="manual").json()
    captured = admin_client.post(
        f"/admin/payments/payment/{authorized['id']}/capture/", {"amount_to_capture": "4000"}
    )
    assert captured.status_code == 302
    payment = Payment.objects.get(pk=authorized["id"])
    assert (payment.status, payment.amount_received) == ("succeeded", 4_000)
    audit = AuditEntry.objects.filter(object_id=payment.id).order_by("id").last()
    assert audit.actor_type == "user"
    admin_client.post(f"/admin/payments/payment/{other['id']}/cancel/", {"reason": "duplicate"})
    assert Payment.objects.get(pk=other["id"]).status == "canceled"
    again = admin_client.post(f"/admin/payments/payment/{other['id']}/capture/", {})
    assert "This payment is canceled." in again.content.decode()


@pytest.fixture
def recording(settings):
    settings.PAYMENT_PROVIDER = "tests.fixtures.recording_provider.RecordingProvider"
    providers._provider = None
    recording_provider.CALLS.clear()
    yield recording_provider.CALLS
    providers._provider = None


@pytest.mark.django_db(transaction=True)
def test_admin_action_pages_open_no_transaction_around_the_provider_call(
    recording, pay, admin_client
):
    """No transaction is open at the provider call, whether the service is called directly or
    through the admin's pages (the admin adds none around the services)."""
    direct = pay("tok_visa", amount=3_000).json()
    refunds.refund_create(context=system_context(), payment_id=direct["id"], amount=100)
    authorized = pay("tok_visa", amount=2_000, capture_method="manual").json()
    payments.payment_capture(context=system_context(), payment_id=authorized["id"])
    baseline = dict(recording)
    assert baseline == {"refund": 0, "capture": 0}
    recording.clear()

    paid = pay("tok_visa", amount=3_000).json()
    admin_client.post(f"/admin/payments/payment/{paid['id']}/refund/", {"reason": "duplicate"})
    held = pay("tok_visa", amount=2_000, capture_method="manual").json()
    admin_client.post(f"/admin/payments/payment/{held['id']}/capture/", {})
    voided = pay("tok_visa", amount=2_000, capture_method="manual").json()
    admin_client.post(f"/admin/payments/payment/{voided['id']}/cancel/", {"reason": "duplicate"})

    assert [name for name, _ in recording] == ["refund", "capture", "void"]
    through_admin = dict(recording)
    assert through_admin["refund"] == baseline["refund"]
    assert through_admin["capture"] == baseline["capture"]
    assert [depth for _, depth in recording] == [0, 0, 0]
    assert Payment.objects.get(pk=paid["id"]).amount_refunded == 3_000
    assert Payment.objects.get(pk=held["id"]).status == "succeeded"
