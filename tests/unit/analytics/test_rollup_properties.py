"""Property: after any stream of real payment activity (payments, declines, refunds, disputes,
customers) delivered to the rollup subscriber in any order, in any batching and with
redeliveries, the rollups equal their recomputation from the source tables."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.reconciliation import rollups_drift
from mcp_payments.accounts.context import system_context
from mcp_payments.accounts.services import api_key_create
from mcp_payments.events.processing import deliver_batch
from payments.services.disputes import dispute_accept, dispute_open
from tests.conftest import bearer_client
from tests.fixtures.factories import MerchantFactory
from tests.fixtures.timed_payments import at, customer, pay, published_events
from wallets import ledger

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 9, 17, 50, tzinfo=UTC)
TOKENS = ["tok_visa", "tok_mastercard", "tok_amex", "tok_chargeDeclined", "tok_riskLevelHighest"]

operation = st.tuples(
    st.sampled_from(["pay", "pay", "pay", "refund", "dispute", "customer"]),
    st.integers(min_value=0, max_value=4),  # token / choice
    st.integers(min_value=100, max_value=50_000),  # amount
    st.integers(min_value=1, max_value=29),  # minutes to the next operation
    st.sampled_from(["usd", "eur"]),
)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    operations=st.lists(operation, min_size=1, max_size=6),
    seed=st.integers(min_value=0, max_value=10_000),
    batch=st.integers(min_value=1, max_value=7),
)
def test_rollups_equal_recomputation_after_any_delivery_order(operations, seed, batch):
    ledger._platform_cache.clear()
    merchant = MerchantFactory()
    api = bearer_client(api_key_create(merchant=merchant, scopes="*", context=None).secret)
    moment, succeeded, customers = START, [], []
    for kind, choice, amount, minutes, currency in operations:
        moment += timedelta(minutes=minutes)
        when = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        if kind == "customer" or (kind == "pay" and not customers):
            customers.append(customer(api, name="C", when=when))
        if kind == "pay":
            payment = pay(
                api,
                token=TOKENS[choice],
                amount=amount,
                currency=currency,
                customer=customers[choice % len(customers)] if choice % 2 else None,
                when=when,
            )
            if payment["status"] == "succeeded":
                succeeded.append(payment)
        elif kind == "refund" and succeeded:
            target = succeeded[choice % len(succeeded)]
            with at(when):
                api.post(
                    "/api/v1/refunds",
                    {"payment": target["id"], "amount": min(amount, target["amount"])},
                    format="json",
                )
        elif kind == "dispute" and succeeded:
            target = succeeded[choice % len(succeeded)]
            with at(when):
                dispute = dispute_open(payment_id=target["id"], reason="fraudulent")
            if dispute is not None and choice % 2:
                with at((moment + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")):
                    dispute_accept(context=system_context(merchant), dispute_id=dispute.id)

    events = published_events(merchant.id)
    stream = events + [events[i] for i in range(0, len(events), 2)]  # redeliveries
    random.Random(seed).shuffle(stream)  # out of order
    for start in range(0, len(stream), batch):
        assert deliver_batch("analytics", stream[start : start + batch]) == {}

    drift = rollups_drift(start=START - timedelta(days=1), end=moment + timedelta(days=1))
    assert [row for row in drift if row["merchant"] == merchant.id] == []
