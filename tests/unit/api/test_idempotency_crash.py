"""Idempotency that survives a crash: the effect names itself in the request's idempotency
record in its own transaction, so a request whose process dies after the commit and before its
response is stored is answered from the record when retried after the claim lease — one effect."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mcp_payments.accounts.selectors import api_key_context
from mcp_payments.accounts.services import api_key_create
from mcp_payments.api import views
from mcp_payments.api.models import IdempotencyRecord
from mcp_payments.mcp import execution
from tests.conftest import bearer_client
from tests.fixtures.ledger import balance_of, fund_wallet
from wallets import ledger
from wallets.models import Transfer
from wallets.services.wallets import wallet_create

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """The process dies: nothing after this point runs."""


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


@pytest.fixture
def setup(merchant):
    secret = api_key_create(merchant=merchant, scopes="*", context=None).secret
    context = api_key_context(secret)
    source = wallet_create(context=context, currency="usd")
    destination = wallet_create(context=context, currency="usd")
    fund_wallet(source, 10_000)
    body = {
        "source_wallet": source.id,
        "destination_wallet": destination.id,
        "amount": 700,
        "currency": "usd",
    }
    return secret, context, source, body


def kill_before_the_store_write(monkeypatch, module) -> None:
    def killed(**kwargs):
        raise Killed()

    monkeypatch.setattr(module, "idempotency_complete", killed)


def lease_expires() -> None:
    IdempotencyRecord.objects.update(locked_at=timezone.now() - timedelta(hours=1))


def test_rest_retry_after_a_crash_returns_the_first_result(setup, monkeypatch):
    secret, _, source, body = setup
    client = bearer_client(secret)
    with monkeypatch.context() as patch:
        kill_before_the_store_write(patch, views)
        with pytest.raises(Killed):
            client.post("/api/v1/transfers", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    made = Transfer.objects.get()
    record = IdempotencyRecord.objects.get()
    assert (record.state, record.effect_type, record.effect_id) == (
        "in_progress",
        "transfer",
        made.id,
    )

    too_early = client.post("/api/v1/transfers", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    lease_expires()
    retried = client.post("/api/v1/transfers", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/transfers", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert too_early.status_code == 409
    assert (retried.status_code, retried.json()["id"]) == (200, made.id)
    assert retried["Idempotent-Replayed"] == "true"
    assert again.json() == retried.json()
    assert Transfer.objects.count() == 1
    assert balance_of(source) == (9_300, 0)


def test_mcp_retry_after_a_crash_returns_the_first_result(setup, monkeypatch):
    _, context, source, body = setup
    with monkeypatch.context() as patch:
        kill_before_the_store_write(patch, execution)
        with pytest.raises(Killed):
            execution.run_tool(
                context=context,
                name="create_transfer",
                arguments={**body, "idempotency_key": "k-2"},
            )
    made = Transfer.objects.get()
    lease_expires()

    retried = execution.run_tool(
        context=context, name="create_transfer", arguments={**body, "idempotency_key": "k-2"}
    )

    assert (retried.status, retried.replayed, retried.body["id"]) == ("ok", True, made.id)
    assert Transfer.objects.count() == 1
    assert balance_of(source) == (9_300, 0)


def test_a_request_refused_before_any_effect_is_released(setup):
    secret, _, _, body = setup

    refused = bearer_client(secret).post(
        "/api/v1/transfers", {**body, "amount": 1_000_000}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert refused.status_code == 409  # insufficient funds: a business outcome, stored
    assert IdempotencyRecord.objects.get().effect_id is None
