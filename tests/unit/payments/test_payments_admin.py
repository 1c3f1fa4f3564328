"""The payments back office: searching, the payment page, and refund/capture/cancel actions
that go through the services and are audited."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from compliance.models import AuditEntry, RiskReview
from payments.models import Payment, Refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    user = get_user_model().objects.create_user("ops", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def test_partial_refund_from_the_payment_page(pay, admin_client):
    payment = pay("tok_visa", amount=8_000).json()
    page = admin_client.get(f"/admin/payments/payment/{payment['id']}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "payment.succeeded" in html  # timeline
    assert f"{payment['id']} $80.00 (succeeded)" in html  # the title: money for people
    assert "payment_capture" in html  # ledger entries
    form = admin_client.get(f"/admin/payments/payment/{payment['id']}/refund/")
    assert form.status_code == 200
    response = admin_client.post(
        f"/admin/payments/payment/{payment['id']}/refund/",
        {"amount": "2500", "reason": "requested_by_customer"},
    )
    assert response.status_code == 302
    refund = Refund.objects.get(payment_id=payment["id"])
    assert (refund.amount, refund.status) == (2_500, "succeeded")
    # The intent (refund.created) and the provider's answer (refund.succeeded), both by the user.
    audits = AuditEntry.objects.filter(object_id=refund.id).order_by("seq")
    assert list(audits.values_list("action", "actor_type")) == [
        ("refund.created", "user"),
        ("refund.succeeded", "user"),
    ]
    too_much = admin_client.post(
        f"/admin/payments/payment/{payment['id']}/refund/",
        {"amount": "99999", "reason": "duplicate"},
    )
    assert "only 5500 remains refundable" in too_much.content.decode()
    assert Refund.objects.count() == 1


def test_full_refund_capture_and_cancel_actions(pay, admin_client):
    succeeded = pay("tok_visa", amount=1_000).json()
    authorized = pay("tok_visa", amount=2_000, capture_method="manual").json()
    other = pay("tok_visa", amount=3_000, capture_method="manual").json()
    admin_client.post(
        "/admin/payments/payment/",
        {"action": "refund_in_full", "_selected_action": [succeeded["id"]]},
    )
    assert Payment.objects.get(pk=succeeded["id"]).amount_refunded == 1_000
    admin_client.post(
        "/admin/payments/payment/", {"action": "capture", "_selected_action": [authorized["id"]]}
    )
    assert Payment.objects.get(pk=authorized["id"]).status == "succeeded"
    admin_client.post(
        "/admin/payments/payment/", {"action": "cancel", "_selected_action": [other["id"]]}
    )
    assert Payment.objects.get(pk=other["id"]).status == "canceled"


def test_payment_list_filters_and_search(pay, admin_client):
    payment = pay("tok_mastercard", amount=250_000).json()
    listing = admin_client.get("/admin/payments/payment/?q=4444&amount_range=large")
    assert payment["id"] in listing.content.decode()
    assert admin_client.get("/admin/payments/payment/?risk_level=highest").status_code == 200


def test_risk_review_queue_in_admin_and_api(pay, admin_client, api, staff_client):
    payment = pay("tok_visa", amount=700_000).json()
    review = RiskReview.objects.get(object_id=payment["id"])
    listed = api.get("/api/v1/risk/reviews?status=open").json()["data"]
    assert [r["id"] for r in listed] == [review.id]
    admin_client.post(
        "/admin/compliance/riskreview/", {"action": "approve", "_selected_action": [review.id]}
    )
    review.refresh_from_db()
    assert review.status == "approved"
    again = api.post(f"/api/v1/risk/reviews/{review.id}/reject", {}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "review_already_decided"
