"""/analytics/mrr: MRR, ARR and monthly movements from billing's MRR segments (hand-computed),
the identity end = start + new + reactivation + expansion - contraction - churn, and a real
subscription flow through the billing API."""

from datetime import UTC, datetime

import pytest

from payments.billing.models import MrrSegment
from tests.fixtures.factories import CustomerFactory
from tests.fixtures.timed_payments import at

pytestmark = pytest.mark.django_db


def segment(merchant, customer, mrr, start, end=None, currency="usd"):
    from payments.billing.models import Subscription

    subscription = Subscription.objects.filter(customer=customer).first()
    assert subscription is not None
    MrrSegment.objects.create(
        merchant=merchant,
        subscription=subscription,
        customer=customer,
        currency=currency,
        mrr=mrr,
        valid_from=datetime.fromisoformat(start).replace(tzinfo=UTC),
        valid_to=datetime.fromisoformat(end).replace(tzinfo=UTC) if end else None,
    )


def identity_holds(row: dict) -> bool:
    return row["end_mrr"] == (
        row["start_mrr"]
        + row["new"]
        + row["reactivation"]
        + row["expansion"]
        - row["contraction"]
        - row["churn"]
    )


def test_a_real_subscription_flow_moves_mrr(api, merchant):
    product = api.post("/api/v1/products", {"name": "Plan"}, format="json").json()
    price = api.post(
        "/api/v1/prices",
        {
            "product": product["id"],
            "currency": "usd",
            "unit_amount": 1_000,
            "recurring": {"interval": "month", "interval_count": 1},
        },
        format="json",
    ).json()["id"]
    subscriptions = []
    with at("2026-09-15T10:00:00Z"):
        for quantity in (1, 3):
            customer = api.post(
                "/api/v1/customers", {"email": "c@example.com"}, format="json"
            ).json()["id"]
            method = api.post(
                "/api/v1/payment_methods",
                {"type": "card", "card": {"token": "tok_visa"}, "customer": customer},
                format="json",
            ).json()["id"]
            created = api.post(
                "/api/v1/subscriptions",
                {
                    "customer": customer,
                    "items": [{"price": price, "quantity": quantity}],
                    "default_payment_method": method,
                },
                format="json",
            )
            assert created.status_code in (200, 201), created.json()
            subscriptions.append(created.json()["id"])
    with at("2026-10-20T10:00:00Z"):
        canceled = api.post(f"/api/v1/subscriptions/{subscriptions[0]}/cancel", {}, format="json")
        assert canceled.status_code == 200, canceled.json()

    body = api.get(
        "/api/v1/analytics/mrr", {"start_month": "2026-09", "end_month": "2026-10"}
    ).json()

    september, october = body["months"]
    assert september["currencies"]["usd"]["new"] == 4_000
    assert september["currencies"]["usd"]["end_mrr"] == 4_000
    assert (october["currencies"]["usd"]["churn"], october["currencies"]["usd"]["end_mrr"]) == (
        1_000,
        3_000,
    )
    assert all(identity_holds(month["currencies"]["usd"]) for month in body["months"])
    assert body["current"]["usd"] == {"mrr": 3_000, "arr": 36_000, "customers": 1}


def test_movements_and_rates_against_hand_computed_segments(api, merchant):
    from payments.billing.models import Subscription

    customers = [CustomerFactory(merchant=merchant) for _ in range(4)]
    for customer in customers:
        Subscription.objects.create(**_subscription_fields(merchant, customer))
    a, b, c, d = customers
    # November 2026 (UTC): A expands 1000→1500, B churns 2000, C reactivates 500 (had MRR in
    # September), D is new 700; E (none).
    segment(merchant, a, 1_000, "2026-09-01T00:00:00", "2026-11-10T00:00:00")
    segment(merchant, a, 1_500, "2026-11-10T00:00:00")
    segment(merchant, b, 2_000, "2026-09-01T00:00:00", "2026-11-20T00:00:00")
    segment(merchant, c, 500, "2026-09-01T00:00:00", "2026-09-30T00:00:00")
    segment(merchant, c, 500, "2026-11-05T00:00:00")
    segment(merchant, d, 700, "2026-11-25T00:00:00")

    body = api.get(
        "/api/v1/analytics/mrr", {"start_month": "2026-11", "end_month": "2026-11"}
    ).json()
    [november] = body["months"]
    usd = november["currencies"]["usd"]
    assert {
        k: usd[k]
        for k in (
            "start_mrr",
            "end_mrr",
            "new",
            "reactivation",
            "expansion",
            "contraction",
            "churn",
            "customers_start",
            "customers_end",
            "churned_customers",
        )
    } == {
        "start_mrr": 3_000,
        "end_mrr": 2_700,
        "new": 700,
        "reactivation": 500,
        "expansion": 500,
        "contraction": 0,
        "churn": 2_000,
        "customers_start": 2,
        "customers_end": 3,
        "churned_customers": 1,
    }
    assert identity_holds(usd)
    assert usd["customer_churn_rate_bps"] == 5_000  # 1 of 2
    assert usd["gross_mrr_churn_rate_bps"] == 6_667  # 2000 / 3000
    assert usd["net_mrr_churn_rate_bps"] == 5_000  # (2000 - 500) / 3000
    assert usd["nrr_bps"] == 5_000  # (3000 + 500 - 2000) / 3000
    assert usd["arpu"] == 900  # 2700 // 3
    assert usd["ltv"] == 1_800  # 900 / 0.5
    assert usd["quick_ratio_bps"] == 8_500  # (700 + 500 + 500) / 2000
    bad = api.get("/api/v1/analytics/mrr", {"start_month": "2026-13"})
    assert (bad.status_code, bad.json()["error"]["param"]) == (400, "start_month")


def _subscription_fields(merchant, customer) -> dict:
    from payments.billing.models import Subscription

    fields = {"merchant": merchant, "customer": customer}
    for field in Subscription._meta.concrete_fields:
        if field.name in fields or field.primary_key or field.has_default() or field.null:
            continue
        if field.get_internal_type() == "DateTimeField":
            fields[field.name] = datetime(2026, 9, 1, tzinfo=UTC)
        elif field.get_internal_type() in ("CharField", "TextField"):
            fields[field.name] = (
                "active" if field.name == "status" else "usd" if field.name == "currency" else "x"
            )
        elif "Integer" in field.get_internal_type():
            fields[field.name] = 1
    return fields
