"""In-app notifications and notification preferences through the API (dashboard users only)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from mcp_payments.events.models import Event
from notifications.enums import DEFAULT_CHANNELS
from notifications.models import Notification
from tests.conftest import bearer_client, jwt_for

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def payment_failed(merchant, amount: int, payment_id: str = "pay_big") -> None:
    with transaction.atomic():
        Event.objects.create(
            type="payment.failed",
            merchant=merchant,
            object_type="payment",
            object_id=payment_id,
            data={
                "object": {
                    "id": payment_id,
                    "object": "payment",
                    "amount": amount,
                    "currency": "usd",
                    "last_payment_error": {"code": "card_declined", "decline_code": "fraudulent"},
                }
            },
            created=timezone.now(),
        )


def dispute_created(merchant) -> None:
    with transaction.atomic():
        Event.objects.create(
            type="dispute.created",
            merchant=merchant,
            object_type="dispute",
            object_id="dp_1",
            data={
                "object": {
                    "id": "dp_1",
                    "object": "dispute",
                    "payment": "pay_1",
                    "amount": 100,
                    "currency": "usd",
                    "reason": "fraudulent",
                }
            },
            created=timezone.now(),
        )


def as_client(user):
    return bearer_client(jwt_for(user))


def test_large_failed_payments_notify_the_roles_concerned_in_app(merchant, admin_of, dispatch):
    admin, finance, viewer = admin_of("admin"), admin_of("finance"), admin_of("viewer")

    with time_machine.travel(T0, tick=False):
        payment_failed(merchant, 150_000)
        payment_failed(merchant, 99_999, "pay_small")  # below the threshold
        dispatch()

    body = as_client(admin).get("/api/v1/notifications").json()
    [item] = body["data"]
    assert item == {
        "id": item["id"],
        "object": "notification",
        "created": "2026-11-26T12:00:00Z",
        "user": admin.pk,
        "merchant": merchant.id,
        "kind": "payment.failed",
        "title": "Payment of 1,500.00 USD failed",
        "body": "Payment pay_big failed (fraudulent).",
        "object_id": "pay_big",
        "event": Event.objects.get(object_id="pay_big").id,
        "read": False,
        "read_at": None,
    }
    assert item["id"].startswith("ntf_")
    assert len(as_client(finance).get("/api/v1/notifications").json()["data"]) == 1
    assert as_client(viewer).get("/api/v1/notifications").json()["data"] == []
    created = Event.objects.filter(type="notification.created").order_by("id")
    assert [e.data["object"]["user"] for e in created] == [admin.pk, finance.pk]
    assert created[0].merchant_id == merchant.id
    assert created[0].data["object"] == item


def test_api_keys_and_other_users_cannot_read_someone_elses_notifications(
    merchant, api, admin_of, dispatch
):
    admin, other = admin_of("admin"), admin_of("admin")
    payment_failed(merchant, 200_000)
    dispatch()
    notification = Notification.objects.get(user=admin)
    Notification.objects.filter(user=other).delete()

    refused = api.get("/api/v1/notifications")
    refused_read = api.post(f"/api/v1/notifications/{notification.id}/read")
    not_theirs = as_client(other).post(f"/api/v1/notifications/{notification.id}/read")

    assert refused.status_code == 403
    assert refused.json()["error"]["type"] == "permission_error"
    assert refused.json()["error"]["code"] == "dashboard_user_required"
    assert "not an API key" in refused.json()["error"]["message"]
    assert refused_read.status_code == 403
    assert not_theirs.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_read_is_idempotent_and_unread_filters(merchant, admin_of, dispatch):
    admin = admin_of("admin")
    client = as_client(admin)
    payment_failed(merchant, 200_000, "pay_a")
    payment_failed(merchant, 300_000, "pay_b")
    dispatch()
    first = Notification.objects.get(object_id="pay_a")

    with time_machine.travel(T0, tick=False):
        read = as_client(admin).post(f"/api/v1/notifications/{first.id}/read")
    again = client.post(f"/api/v1/notifications/{first.id}/read")
    unread = client.get("/api/v1/notifications?unread=true").json()["data"]
    everything = client.get("/api/v1/notifications").json()["data"]

    assert read.status_code == 200
    assert (read.json()["read"], read.json()["read_at"]) == (True, "2026-11-26T12:00:00Z")
    assert again.json()["read_at"] == "2026-11-26T12:00:00Z"
    assert [n["object_id"] for n in unread] == ["pay_b"]
    assert [n["object_id"] for n in everything] == ["pay_b", "pay_a"]


def test_preferences_default_then_update(merchant, admin_of):
    client = as_client(admin_of("admin"))

    defaults = client.get("/api/v1/notification_preferences")
    updated = client.put(
        "/api/v1/notification_preferences",
        {
            "phone": "+14155550123",
            "channels": {"dispute.created": ["sms", "email"], "payout.paid": []},
        },
        format="json",
    )
    reread = client.get("/api/v1/notification_preferences")

    assert defaults.status_code == 200
    assert defaults.json() == {
        "object": "notification_preferences",
        "phone": None,
        "channels": {kind: list(channels) for kind, channels in DEFAULT_CHANNELS.items()},
    }
    assert updated.status_code == 200
    expected = {kind: list(channels) for kind, channels in DEFAULT_CHANNELS.items()}
    expected["dispute.created"] = ["email", "sms"]
    expected["payout.paid"] = []
    assert updated.json() == {
        "object": "notification_preferences",
        "phone": "+14155550123",
        "channels": expected,
    }
    assert reread.json() == updated.json()


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"channels": {"payment.exploded": ["email"]}}, "channels[payment.exploded]"),
        ({"channels": {"payout.paid": ["pigeon"]}}, "channels[payout.paid]"),
        ({"channels": {"payout.paid": ["sms"]}}, "phone"),  # no phone on file
        ({"phone": "0044 20 7946 0000"}, "phone"),
        ({"channels": "email"}, "channels"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_preferences_are_refused_with_param_and_change_nothing(
    merchant, admin_of, body, param
):
    client = as_client(admin_of("admin"))
    before = client.get("/api/v1/notification_preferences").json()

    response = client.put("/api/v1/notification_preferences", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
    assert client.get("/api/v1/notification_preferences").json() == before


def test_preferences_need_a_dashboard_user(api):
    assert api.get("/api/v1/notification_preferences").status_code == 403
    assert api.put("/api/v1/notification_preferences", {}, format="json").status_code == 403


def test_preferences_decide_the_in_app_channel(merchant, admin_of, dispatch):
    quiet, default = admin_of("admin"), admin_of("admin")
    as_client(quiet).put(
        "/api/v1/notification_preferences",
        {"channels": {"dispute.created": ["email"]}},
        format="json",
    )

    dispute_created(merchant)
    dispatch()

    assert quiet.notifications.count() == 0
    assert list(default.notifications.values_list("kind", flat=True)) == ["dispute.created"]


def test_other_merchant_events_do_not_reach_this_merchant(
    merchant, other_merchant, admin_of, dispatch
):
    mine = admin_of("admin")

    dispute_created(other_merchant)
    dispatch()

    assert mine.notifications.count() == 0
