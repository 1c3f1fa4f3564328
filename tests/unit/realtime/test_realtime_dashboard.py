"""/ws/dashboard: a snapshot from the analytics counters and the outbox, then coalesced deltas."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from analytics.models import DailyCounter
from realtime.snapshot import DashboardState, dashboard_state
from tests.fixtures.realtime import broadcast, event_dict, open_socket, receive, run, store_event

pytestmark = pytest.mark.django_db(transaction=True)

ZERO = {
    "gross_volume": 0,
    "payments_count": 0,
    "failed_count": 0,
    "refunds_count": 0,
    "refunds_volume": 0,
    "disputes_count": 0,
    "disputes_volume": 0,
    "success_rate_bps": None,
    "payments_last_minute": 0,
    "payments_per_second": "0.00",
}


def counters(merchant_id: str, day: date, currency: str, **metrics: int) -> None:
    for metric, value in metrics.items():
        DailyCounter.objects.create(
            merchant_id=merchant_id, day=day, currency=currency, metric=metric, value=value
        )


def payment(event_type: str, merchant_id: str, amount: int, n: int, currency: str = "usd"):
    return event_dict(
        event_type,
        merchant_id,
        {"id": f"pay_{n}", "object": "payment", "amount": amount, "currency": currency},
        event_id=f"evt_01JAAAAAAAAAAAAAAAAAAAA{n:03d}",
        created=timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def test_the_snapshot_reads_todays_counters_disputes_and_last_minute(merchant, other_merchant):
    today = timezone.now().astimezone(UTC).date()
    counters(
        merchant.pk,
        today,
        "usd",
        payments_count=3,
        payments_volume=30_000,
        payments_failed_count=1,
        refunds_count=1,
        refunds_volume=500,
    )
    counters(merchant.pk, today, "", customers_created=4)
    counters(merchant.pk, today - timedelta(days=1), "usd", payments_count=9)
    counters(other_merchant.pk, today, "usd", payments_count=7)
    counters(merchant.pk, today, "eur", payments_failed_count=2)
    store_event("dispute.created", merchant, {"id": "dp_1", "amount": 2_000, "currency": "usd"})
    store_event("dispute.created", other_merchant, {"id": "dp_2", "amount": 1, "currency": "usd"})
    for n in range(2):
        store_event("payment.succeeded", merchant, {"id": f"pay_{n}", "currency": "usd"})

    state = dashboard_state(merchant_id=merchant.pk)
    message = state.message("snapshot", merchant_id=merchant.pk, now=timezone.now())

    assert message["type"] == "snapshot"
    assert message["day"] == today.isoformat()
    assert message["merchant"] == merchant.pk
    assert message["currencies"] == {
        "eur": {**ZERO, "failed_count": 2, "success_rate_bps": 0},
        "usd": {
            "gross_volume": 30_000,
            "payments_count": 3,
            "failed_count": 1,
            "success_rate_bps": 7_500,
            "refunds_count": 1,
            "refunds_volume": 500,
            "disputes_count": 1,
            "disputes_volume": 2_000,
            "payments_last_minute": 2,
            "payments_per_second": "0.03",
        },
    }


def test_staff_see_every_merchant_summed(merchant, other_merchant):
    today = timezone.now().astimezone(UTC).date()
    counters(merchant.pk, today, "usd", payments_count=3)
    counters(other_merchant.pk, today, "usd", payments_count=7)

    state = dashboard_state(merchant_id=None)

    assert state.figures("usd", timezone.now())["payments_count"] == 10


def test_events_move_the_figures_and_a_new_day_starts_again():
    state = DashboardState(day=date(2026, 11, 26))
    now = datetime(2026, 11, 26, 10, 0, 30, tzinfo=UTC)

    def at(event_type, obj, created="2026-11-26T10:00:00Z"):
        return event_dict(event_type, "mer_A", obj, created=created)

    assert state.apply(at("payment.succeeded", {"amount": 1000, "currency": "usd"})) == {"usd"}
    state.apply(at("payment.failed", {"amount": 5, "currency": "usd"}))
    state.apply(at("refund.succeeded", {"amount": 300, "currency": "usd"}))
    state.apply(at("dispute.created", {"amount": 700, "currency": "usd"}))

    assert state.figures("usd", now) == {
        "gross_volume": 1000,
        "payments_count": 1,
        "failed_count": 1,
        "success_rate_bps": 5_000,
        "refunds_count": 1,
        "refunds_volume": 300,
        "disputes_count": 1,
        "disputes_volume": 700,
        "payments_last_minute": 1,
        "payments_per_second": "0.02",
    }
    # A minute later the payment has left the rate window.
    assert state.figures("usd", now + timedelta(minutes=1))["payments_last_minute"] == 0

    state.apply(at("payment.failed", {"currency": "eur"}, created="2026-11-27T00:00:01Z"))

    assert state.day == date(2026, 11, 27)
    assert state.currencies(datetime(2026, 11, 27, 0, 0, 2, tzinfo=UTC)) == ["eur"]


def test_a_socket_gets_a_snapshot_then_coalesced_deltas_of_its_merchant_only(
    merchant, other_merchant, api_key_for
):
    key = api_key_for(merchant, "analytics:read")

    async def scenario():
        socket = await open_socket(f"/ws/dashboard?token={key}")
        snapshot = await receive(socket)
        await broadcast(payment("payment.succeeded", merchant.pk, 1_000, 1))
        first = await receive(socket)
        # Within one interval: three messages, one delta.
        await broadcast(payment("payment.succeeded", merchant.pk, 2_000, 2))
        await broadcast(payment("payment.failed", merchant.pk, 9, 3))
        await broadcast(payment("payment.succeeded", other_merchant.pk, 5_000, 4))
        await broadcast(payment("payment.succeeded", merchant.pk, 3_000, 5, currency="eur"))
        second = await receive(socket)
        assert await socket.receive_nothing(timeout=0.5)
        await socket.disconnect()
        return snapshot, first, second

    with override_settings(REALTIME_DASHBOARD_INTERVAL_MS=300):
        snapshot, first, second = run(scenario)

    assert (snapshot["type"], snapshot["currencies"]) == ("snapshot", {})
    assert first["type"] == "delta"
    assert first["currencies"] == {
        "usd": {
            **ZERO,
            "gross_volume": 1_000,
            "payments_count": 1,
            "success_rate_bps": 10_000,
            "payments_last_minute": 1,
            "payments_per_second": "0.02",
        }
    }
    assert second["type"] == "delta"
    assert second["currencies"] == {
        "eur": {
            **ZERO,
            "gross_volume": 3_000,
            "payments_count": 1,
            "success_rate_bps": 10_000,
            "payments_last_minute": 1,
            "payments_per_second": "0.02",
        },
        "usd": {
            **ZERO,
            "gross_volume": 3_000,
            "payments_count": 2,
            "failed_count": 1,
            "success_rate_bps": 6_666,
            "payments_last_minute": 2,
            "payments_per_second": "0.03",
        },
    }


def test_resume_on_the_dashboard_answers_a_fresh_snapshot(merchant, api_key_for):
    key = api_key_for(merchant, "analytics:read")

    async def scenario():
        socket = await open_socket(f"/ws/dashboard?token={key}")
        first = await receive(socket)
        await socket.send_json_to({"type": "resume", "after": "evt_01JAAAAAAAAAAAAAAAAAAAAAAA"})
        again = await receive(socket)
        await socket.disconnect()
        return first, again

    first, again = run(scenario)

    assert first["type"] == again["type"] == "snapshot"
