"""Dry runs never leave the process: for every money-moving tool, zero provider calls and zero
Redis writes (a recording provider and a snapshot of the Redis database before and after), no
row, no event; the sandbox's outcome is predicted from the token."""

import pytest
import redis
from django.conf import settings

from mcp_payments.events.models import Event
from payments import providers
from payments.models import Payment, Refund
from payments.providers.sandbox import SandboxProvider
from payments.services.payment_methods import payment_method_create
from wallets.models import JournalEntry, Payout, Transfer

pytestmark = pytest.mark.django_db


class RecordingProvider(SandboxProvider):
    """The sandbox, recording every call made to it."""

    calls: list[str] = []

    def __getattribute__(self, name):
        attribute = super().__getattribute__(name)
        if name in {"tokenize", "authorize", "capture", "void", "refund", "status"}:
            type(self).calls.append(name)
        return attribute


@pytest.fixture
def recording():
    saved = providers._provider
    RecordingProvider.calls = []
    providers._provider = RecordingProvider()
    yield RecordingProvider
    providers._provider = saved


def redis_snapshot() -> dict[bytes, bytes | None]:
    client = redis.Redis.from_url(settings.REDIS_URL)
    return {key: client.dump(key) for key in client.scan_iter(count=1000)}


def state() -> tuple[int, ...]:
    return (
        Payment.objects.count(),
        Refund.objects.count(),
        Transfer.objects.count(),
        Payout.objects.count(),
        JournalEntry.objects.count(),
        Event.objects.count(),
    )


def test_no_dry_run_calls_the_provider_or_writes_redis(
    merchant, agent, call, funded_wallets, recording
):
    context = agent(merchant)
    source, destination = funded_wallets(10_000)
    visa = payment_method_create(context=context, token="tok_visa").id
    declined = payment_method_create(context=context, token="tok_chargeDeclined").id
    paid = call(
        context,
        "create_payment",
        {"amount": 3_000, "currency": "usd", "payment_method": visa, "confirm": True},
    ).body
    held = call(
        context,
        "create_payment",
        {
            "amount": 2_000,
            "currency": "usd",
            "payment_method": visa,
            "confirm": True,
            "capture_method": "manual",
        },
    ).body
    dry_runs = {
        "create_payment": {
            "amount": 1_000,
            "currency": "usd",
            "payment_method": visa,
            "confirm": True,
        },
        "top_up_wallet": {"id": source.id, "amount": 500, "payment_method": visa},
        "create_refund": {"payment": paid["id"], "amount": 1_000},
        "capture_payment": {"id": held["id"]},
        "create_transfer": {
            "source_wallet": source.id,
            "destination_wallet": destination.id,
            "amount": 700,
            "currency": "usd",
        },
        "create_payout": {
            "amount": 400,
            "currency": "usd",
            "destination": "btok_success",
            "wallet": source.id,
        },
    }
    recording.calls = []
    before_redis, before = redis_snapshot(), state()

    outcomes = {
        tool: call(context, tool, {**arguments, "dry_run": True})
        for tool, arguments in dry_runs.items()
    }
    refused = call(
        context,
        "create_payment",
        {
            "amount": 900,
            "currency": "usd",
            "payment_method": declined,
            "confirm": True,
            "dry_run": True,
        },
    )

    assert recording.calls == []
    assert redis_snapshot() == before_redis
    assert state() == before
    assert {tool: outcome.status for tool, outcome in outcomes.items()} == dict.fromkeys(
        dry_runs, "dry_run"
    )
    assert {tool: outcome.body["error"] for tool, outcome in outcomes.items()} == dict.fromkeys(
        dry_runs
    )
    assert outcomes["create_payment"].body["provider_outcome"] == "captured"
    assert outcomes["create_payment"].body["would_create"]["status"] == "succeeded"
    assert outcomes["create_payment"].body["fee"] == 59
    assert outcomes["capture_payment"].body["provider_outcome"] == "captured"
    assert outcomes["create_refund"].body["provider_outcome"] == "succeeded"
    assert outcomes["create_transfer"].body["provider_outcome"] is None
    assert refused.body["provider_outcome"] == "declined"
    assert refused.body["error"]["decline_code"] == "generic_decline"
