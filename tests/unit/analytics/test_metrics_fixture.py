"""Every summary metric against a hand-computed fixture: payments, a refund, a lost dispute, a
decline, a risk block and a review in USD and EUR, read in UTC and in Asia/Kolkata (+05:30).

Fees: 2.9 % + 30 (10,000 → 320; 20,000 → 610; 600,000 → 17,430; EUR 5,000 → 175); the dispute
fee is 1,500. Instants (UTC):
  2026-11-09 18:00 customer C1 created         (UTC day 11-09; Kolkata 11-09 23:30)
  2026-11-09 19:00 P3 EUR 5,000 C1 succeeded    (UTC 11-09; Kolkata 11-10 00:30)
  2026-11-10 02:00 P1 USD 10,000 C1 succeeded
  2026-11-10 03:00 USD 700 declined by the provider
  2026-11-10 04:00 USD 1,000 blocked by risk
  2026-11-10 10:00 customer C2 created
  2026-11-10 12:00 P4 USD 600,000 C2 succeeded, risk elevated → review opened
  2026-11-10 18:45 refund 2,500 of P1           (Kolkata 11-11 00:15)
  2026-11-10 20:00 P2 USD 20,000 C2 succeeded   (Kolkata 11-11 01:30)
  2026-11-10 21:00 dispute on P2 opened; 23:00 accepted (lost)
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from analytics.models import Rollup
from analytics.reconciliation import rollups_drift, rollups_rebuild
from analytics.tasks import reconcile_rollups
from mcp_payments.accounts.context import system_context
from payments.services.disputes import dispute_accept, dispute_open
from tests.fixtures.timed_payments import at, customer, deliver_shuffled, pay, published_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixture_payments(api, merchant):
    c1 = customer(api, name="C1", when="2026-11-09T18:00:00Z")
    pay(
        api,
        token="tok_amex",
        amount=5_000,
        currency="eur",
        customer=c1,
        when="2026-11-09T19:00:00Z",
    )
    p1 = pay(
        api,
        token="tok_visa",
        amount=10_000,
        currency="usd",
        customer=c1,
        when="2026-11-10T02:00:00Z",
    )
    declined = pay(
        api,
        token="tok_chargeDeclined",
        amount=700,
        currency="usd",
        customer=None,
        when="2026-11-10T03:00:00Z",
    )
    blocked = pay(
        api,
        token="tok_riskLevelHighest",
        amount=1_000,
        currency="usd",
        customer=None,
        when="2026-11-10T04:00:00Z",
    )
    c2 = customer(api, name="C2", when="2026-11-10T10:00:00Z")
    p4 = pay(
        api,
        token="tok_mastercard",
        amount=600_000,
        currency="usd",
        customer=c2,
        when="2026-11-10T12:00:00Z",
    )
    with at("2026-11-10T18:45:00Z"):
        refund = api.post("/api/v1/refunds", {"payment": p1["id"], "amount": 2_500}, format="json")
    p2 = pay(
        api,
        token="tok_visa",
        amount=20_000,
        currency="usd",
        customer=c2,
        when="2026-11-10T20:00:00Z",
    )
    with at("2026-11-10T21:00:00Z"):
        dispute = dispute_open(payment_id=p2["id"], reason="fraudulent")
    with at("2026-11-10T23:00:00Z"):
        dispute_accept(context=system_context(merchant), dispute_id=dispute.id)
    assert (p1["status"], p2["status"], p4["status"]) == ("succeeded",) * 3
    assert p4["risk"]["level"] == "elevated"
    assert declined["last_payment_error"]["code"] == "card_declined"
    assert blocked["last_payment_error"]["code"] == "payment_blocked"
    assert refund.status_code == 201
    deliver_shuffled(published_events(merchant.id))
    return {"c1": c1, "c2": c2}


def summary(api, **query):
    response = api.get("/api/v1/analytics/summary", query)
    assert response.status_code == 200, response.json()
    return response.json()


def test_utc_day(api, fixture_payments):
    body = summary(api, **{"from": "2026-11-10", "to": "2026-11-11", "timezone": "UTC"})

    assert body["from"] == "2026-11-10T00:00:00+00:00"
    assert list(body["currencies"]) == ["usd"]
    assert body["currencies"]["usd"] == {
        "gross_volume": 630_000,
        "refunded_amount": 2_500,
        "dispute_loss_amount": 20_000,
        "fee_amount": 18_360,
        "dispute_fee_amount": 1_500,
        "net_sales": 607_500,
        "net_volume": 587_640,
        "successful_payment_count": 3,
        "failed_payment_count": 1,
        "average_payment_size": 210_000,
        "refund_rate_bps": 40,
        "dispute_rate_bps": 3_333,
        "authorization_rate_bps": 7_500,
        "fraud_block_rate_bps": 2_000,
        "risk_blocked_count": 1,
        "canceled_count": 0,
        "disputes_opened": 1,
        "refund_count": 1,
        "paying_customers": 2,
        "spend_per_customer": 315_000,
    }
    assert (body["new_customers"], body["reviews_opened"], body["attempts_scored"]) == (1, 1, 5)
    assert body["review_rate_bps"] == 2_000
    previous = body["comparison"]
    assert previous["from"] == "2026-11-09T00:00:00+00:00"
    assert previous["currencies"]["eur"]["gross_volume"] == 5_000
    assert previous["currencies"]["eur"]["net_volume"] == 4_825
    assert previous["new_customers"] == 1


def test_half_hour_offset_day(api, fixture_payments):
    body = summary(api, **{"from": "2026-11-10", "to": "2026-11-11", "timezone": "Asia/Kolkata"})

    assert (body["from"], body["to"]) == ("2026-11-10T00:00:00+05:30", "2026-11-11T00:00:00+05:30")
    usd, eur = body["currencies"]["usd"], body["currencies"]["eur"]
    assert (usd["gross_volume"], usd["fee_amount"], usd["net_volume"]) == (610_000, 17_750, 592_250)
    assert (usd["refunded_amount"], usd["dispute_loss_amount"], usd["dispute_fee_amount"]) == (
        0,
        0,
        0,
    )
    assert (usd["successful_payment_count"], usd["failed_payment_count"]) == (2, 1)
    assert (usd["authorization_rate_bps"], usd["fraud_block_rate_bps"]) == (6_667, 2_500)
    assert (usd["average_payment_size"], usd["dispute_rate_bps"], usd["refund_rate_bps"]) == (
        305_000,
        0,
        0,
    )
    assert (usd["paying_customers"], usd["spend_per_customer"]) == (2, 305_000)
    assert (eur["gross_volume"], eur["fee_amount"], eur["net_volume"]) == (5_000, 175, 4_825)
    assert (eur["paying_customers"], eur["authorization_rate_bps"]) == (1, 10_000)
    assert (body["new_customers"], body["attempts_scored"], body["review_rate_bps"]) == (
        1,
        5,
        2_000,
    )


def test_timeseries_hours_in_kolkata_and_group_by(api, fixture_payments):
    query = {
        "metric": "gross_volume",
        "interval": "hour",
        "from": "2026-11-10",
        "to": "2026-11-11",
        "timezone": "Asia/Kolkata",
    }
    body = api.get("/api/v1/analytics/timeseries", query).json()
    usd = [point for point in body["points"] if point["currency"] == "usd"]
    assert len(usd) == 24
    assert {p["start"]: p["value"] for p in usd if p["value"]} == {
        "2026-11-10T07:00:00+05:30": 10_000,  # 02:00 to 02:59 UTC is Kolkata 07:30..08:29
        "2026-11-10T17:00:00+05:30": 600_000,
    } or {p["start"]: p["value"] for p in usd if p["value"]} == {
        "2026-11-10T07:00:00+05:30": 10_000,
        "2026-11-10T17:00:00+05:30": 600_000,
    }
    grouped = api.get(
        "/api/v1/analytics/timeseries",
        {**query, "interval": "day", "timezone": "UTC", "group_by": "card_brand"},
    ).json()
    assert {(p["currency"], p["group"], p["value"]) for p in grouped["points"]} == {
        ("usd", "visa", 30_000),
        ("usd", "mastercard", 600_000),
    }


def test_fraud_and_customers(api, fixture_payments):
    window = {"from": "2026-11-10", "to": "2026-11-11"}
    fraud = api.get("/api/v1/analytics/fraud", window).json()
    assert fraud["currencies"]["usd"]["fraud_block_rate_bps"] == 2_000
    assert fraud["top_rules"] == [
        {"rule": "large_amount", "attempts": 1},
        {"rule": "provider_risk_highest", "attempts": 1},
    ]
    assert fraud["disputes_by_reason"] == [{"currency": "usd", "reason": "fraudulent", "count": 1}]
    customers = api.get("/api/v1/analytics/customers", window).json()
    assert customers["new_customers"] == 1
    assert customers["currencies"]["usd"] == {
        "paying_customers": 2,
        "arpu": 315_000,
        "gross_volume": 630_000,
    }
    assert customers["top_customers"][0] == {
        "currency": "usd",
        "customer": fixture_payments["c2"],
        "gross_volume": 620_000,
        "payments": 2,
    }


def test_rollups_equal_the_source_recomputation_and_rebuild(fixture_payments):
    from datetime import UTC, date, datetime

    start, end = datetime(2026, 11, 9, tzinfo=UTC), datetime(2026, 11, 12, tzinfo=UTC)
    assert rollups_drift(start=start, end=end) == []
    before = sorted(
        Rollup.objects.values_list(
            "merchant_id", "currency", "bucket", "gross_volume", "declined_count"
        )
    )
    assert rollups_rebuild(since=date(2026, 11, 9)) == len(before)
    after = sorted(
        Rollup.objects.values_list(
            "merchant_id", "currency", "bucket", "gross_volume", "declined_count"
        )
    )
    assert after == before
    assert reconcile_rollups.run(days=3) == 0
    out = StringIO()
    call_command("analytics_rebuild", "--since", "2026-11-09", stdout=out)
    assert out.getvalue() == f"rebuilt {len(before)} rollup rows since 2026-11-09\n"
    with pytest.raises(CommandError):
        call_command("analytics_rebuild", "--since", "yesterday")
    assert rollups_drift(start=start, end=end) == []


def test_drift_is_reported_and_alerted(fixture_payments):
    from datetime import date

    from analytics.models import DriftReport
    from analytics.reconciliation import rollups_reconcile

    row = Rollup.objects.filter(currency="usd").exclude(gross_volume=0).first()
    Rollup.objects.filter(pk=row.pk).update(gross_volume=row.gross_volume + 1)
    report = rollups_reconcile(days=3, today=date(2026, 11, 12))
    assert report.drift_count == 1
    assert report.drift[0]["measure"] == "gross_volume"
    assert report.drift[0]["actual"] == report.drift[0]["expected"] + 1
    assert DriftReport.objects.count() == 1


def test_rebuild_gives_the_same_day_totals_and_customer_gaps(api, fixture_payments):
    from datetime import date

    from analytics.models import CustomerDayGap, RollupDay

    def snapshot():
        days = sorted(
            RollupDay.objects.values_list("currency", "day", "gross_volume", "declined_count")
        )
        gaps = sorted(
            CustomerDayGap.objects.exclude(customers=0).values_list(
                "currency", "day", "prev_day", "customers"
            )
        )
        return days, gaps

    before = snapshot()
    assert before[1] == [
        ("eur", date(2026, 11, 9), date(1, 1, 1), 1),
        ("usd", date(2026, 11, 10), date(1, 1, 1), 2),
    ]
    rollups_rebuild(since=date(2026, 11, 9))
    assert snapshot() == before
    # Two whole UTC days, then the same days seen from Kolkata (both edges partial).
    two_days = summary(api, **{"from": "2026-11-09", "to": "2026-11-11", "compare": "none"})
    assert two_days["currencies"]["usd"]["paying_customers"] == 2
    assert two_days["currencies"]["eur"]["paying_customers"] == 1
    kolkata = summary(api, **{"from": "2026-11-10", "to": "2026-11-12", "timezone": "Asia/Kolkata"})
    assert kolkata["currencies"]["usd"]["paying_customers"] == 2
    assert kolkata["currencies"]["eur"]["paying_customers"] == 1
    assert kolkata["currencies"]["usd"]["gross_volume"] == 630_000
