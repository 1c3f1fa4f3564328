"""The public write services open a durable transaction (`service_transaction()`): called inside
another transaction they raise RuntimeError before changing anything, so no caller can fold their
"record intent, call the provider, book the outcome" commits into one transaction, or hold a lock
across a provider call. Each case calls a real service on real objects that it would otherwise
act on."""

from collections.abc import Callable
from functools import cached_property
from typing import Any

import pytest
from django.db import transaction

from compliance.models import AuditEntry
from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.scopes import ALL_SCOPES
from mcp_payments.accounts.selectors import api_key_context, user_context
from mcp_payments.accounts.services import AgentPolicy, api_key_create
from mcp_payments.agents.models import AgentApproval
from mcp_payments.agents.services.approvals import approval_approve, approval_reject
from mcp_payments.events.models import Event
from mcp_payments.mcp.execution import run_tool
from payments.billing.models import Invoice, Subscription
from payments.billing.services import catalog, invoices, subscriptions
from payments.models import Payment, Refund
from payments.services import payments, refunds, topups
from payments.services.payment_methods import payment_method_create
from tests.fixtures.factories import CustomerFactory, MembershipFactory
from tests.fixtures.ledger import fund_wallet, staff_pair
from wallets.models import Adjustment, JournalEntry, Payout, Transfer
from wallets.services import adjustments, payouts, transfers
from wallets.services.wallets import wallet_create

pytestmark = pytest.mark.django_db


class World:
    """The objects the services act on, each built (outside any test transaction block) only
    when a case asks for it."""

    def __init__(self, merchant) -> None:
        self.merchant = merchant
        self.context = AuthContext(merchant=merchant, scopes=frozenset(ALL_SCOPES))

    @cached_property
    def customer(self):
        return CustomerFactory(merchant=self.merchant)

    @cached_property
    def card(self) -> str:
        return payment_method_create(
            context=self.context, token="tok_visa", customer_id=self.customer.id
        ).id

    def payment(self, **options: Any) -> Payment:
        request = payments.PaymentRequest(
            amount=5_000, currency="usd", customer=self.customer.id, payment_method=self.card
        )
        for name, value in options.items():
            setattr(request, name, value)
        return payments.payment_create(context=self.context, request=request)

    @cached_property
    def authorized(self) -> Payment:
        return self.payment(confirm=True, capture_method="manual")

    @cached_property
    def succeeded(self) -> Payment:
        return self.payment(confirm=True)

    @cached_property
    def wallets(self):
        source = wallet_create(context=self.context, currency="usd", customer_id=self.customer.id)
        destination = wallet_create(context=self.context, currency="usd")
        fund_wallet(source, 10_000)
        return source, destination

    def transfer_request(self, **options: Any) -> transfers.TransferRequest:
        source, destination = self.wallets
        return transfers.TransferRequest(
            source_wallet=source.id,
            destination_wallet=destination.id,
            amount=1_000,
            currency="usd",
            **options,
        )

    @cached_property
    def hold(self) -> Transfer:
        request = self.transfer_request(pending=True)
        return transfers.transfer_create(context=self.context, request=request)

    @cached_property
    def payout(self) -> Payout:
        return payouts.payout_create(
            context=self.context,
            amount=1_000,
            currency="usd",
            destination="btok_us_checking",
            wallet_id=self.wallets[0].id,
        )

    @cached_property
    def adjustment(self) -> Adjustment:
        maker, _ = staff_pair()
        return adjustments.adjustment_request(
            context=maker, wallet=self.wallets[1], direction="credit", amount=700, reason="test"
        )

    @cached_property
    def price(self) -> str:
        product = catalog.product_create(context=self.context, name="Plan")
        return catalog.price_create(
            context=self.context,
            product=product.id,
            currency="usd",
            unit_amount=2_000,
            recurring={"interval": "month", "interval_count": 1},
        ).id

    def subscription_params(self) -> subscriptions.SubscriptionParams:
        return subscriptions.SubscriptionParams(
            customer=self.customer.id,
            items=[subscriptions.ItemChange(price=self.price, quantity=1)],
            collection_method="send_invoice",
            days_until_due=30,
        )

    @cached_property
    def subscription(self) -> Subscription:
        return subscriptions.subscription_create(
            context=self.context, params=self.subscription_params()
        )

    @cached_property
    def approval(self) -> AgentApproval:
        secret = api_key_create(
            merchant=self.merchant,
            scopes="*",
            policy=AgentPolicy(approval_above=100),
            context=None,
        ).secret
        source, destination = self.wallets
        arguments = {
            "source_wallet": source.id,
            "destination_wallet": destination.id,
            "amount": 500,
            "currency": "usd",
        }
        outcome = run_tool(
            context=api_key_context(secret), name="create_transfer", arguments=arguments
        )
        assert outcome.status == "pending_approval"
        return AgentApproval.objects.get(pk=outcome.body["approval"])

    @cached_property
    def decider(self) -> AuthContext:
        return user_context(MembershipFactory(merchant=self.merchant, role="admin").user)


CASES: dict[str, Callable[[World], Any]] = {
    "payment_create": lambda w: payments.payment_create(
        context=w.context,
        request=payments.PaymentRequest(
            amount=1_000, currency="usd", payment_method=w.card, confirm=True
        ),
    ),
    "payment_confirm": lambda w: payments.payment_confirm(
        context=w.context, payment_id=w.payment().id
    ),
    "payment_capture": lambda w: payments.payment_capture(
        context=w.context, payment_id=w.authorized.id
    ),
    "payment_cancel": lambda w: payments.payment_cancel(
        context=w.context, payment_id=w.authorized.id
    ),
    "refund_create": lambda w: refunds.refund_create(
        context=w.context, payment_id=w.succeeded.id, amount=100
    ),
    "wallet_top_up": lambda w: topups.wallet_top_up(
        context=w.context, wallet_id=w.wallets[0].id, amount=1_000, payment_method=w.card
    ),
    "transfer_create": lambda w: transfers.transfer_create(
        context=w.context, request=w.transfer_request()
    ),
    "transfer_batch": lambda w: transfers.transfer_batch(
        context=w.context, requests=[w.transfer_request()], atomic=True
    ),
    "transfer_post": lambda w: transfers.transfer_post(context=w.context, transfer_id=w.hold.id),
    "transfer_void": lambda w: transfers.transfer_void(context=w.context, transfer_id=w.hold.id),
    "payout_create": lambda w: payouts.payout_create(
        context=w.context, amount=500, currency="usd", destination="btok_us_checking"
    ),
    "payout_cancel": lambda w: payouts.payout_cancel(context=w.context, payout_id=w.payout.id),
    "adjustment_approve": lambda w: adjustments.adjustment_approve(
        context=staff_pair()[1], adjustment_id=w.adjustment.id
    ),
    "subscription_create": lambda w: subscriptions.subscription_create(
        context=w.context, params=w.subscription_params()
    ),
    "subscription_cancel": lambda w: subscriptions.subscription_cancel(
        context=w.context, subscription_id=w.subscription.id
    ),
    "invoice_pay": lambda w: invoices.invoice_pay(
        context=w.context,
        invoice_id=w.subscription.latest_invoice,
        payment_method=w.wallets[0].id,
    ),
    "approval_approve": lambda w: approval_approve(context=w.decider, approval_id=w.approval.id),
    "approval_reject": lambda w: approval_reject(context=w.decider, approval_id=w.approval.id),
}

# What each case needs built before it runs (the call itself must be the only thing inside the
# caller's transaction).
PREPARE: dict[str, Callable[[World], Any]] = {
    "payment_create": lambda w: w.card,
    "payment_confirm": lambda w: w.card,
    "payment_capture": lambda w: w.authorized,
    "payment_cancel": lambda w: w.authorized,
    "refund_create": lambda w: w.succeeded,
    "wallet_top_up": lambda w: (w.wallets, w.card),
    "transfer_create": lambda w: w.wallets,
    "transfer_batch": lambda w: w.wallets,
    "transfer_post": lambda w: w.hold,
    "transfer_void": lambda w: w.hold,
    "payout_create": lambda w: w.wallets,
    "payout_cancel": lambda w: w.payout,
    "adjustment_approve": lambda w: w.adjustment,
    "subscription_create": lambda w: w.price,
    "subscription_cancel": lambda w: w.subscription,
    "invoice_pay": lambda w: (w.subscription, w.wallets),
    "approval_approve": lambda w: (w.approval, w.decider),
    "approval_reject": lambda w: (w.approval, w.decider),
}


def state() -> tuple:
    """Everything a money service could have changed."""
    return (
        Event.objects.count(),
        JournalEntry.objects.count(),
        AuditEntry.objects.count(),
        Refund.objects.count(),
        sorted(Payment.objects.values_list("id", "status", "amount_received")),
        sorted(Transfer.objects.values_list("id", "status")),
        sorted(Payout.objects.values_list("id", "status")),
        sorted(Adjustment.objects.values_list("id", "status")),
        sorted(Subscription.objects.values_list("id", "status")),
        sorted(Invoice.objects.values_list("id", "status")),
        sorted(AgentApproval.objects.values_list("id", "status")),
    )


@pytest.mark.parametrize("service", sorted(CASES))
def test_a_write_service_inside_an_outer_transaction_fails_loudly(service, merchant):
    world = World(merchant)
    PREPARE[service](world)
    before = state()

    with (
        pytest.raises(RuntimeError, match="A durable atomic block cannot be nested"),
        transaction.atomic(),
    ):
        CASES[service](world)

    assert state() == before


@pytest.mark.parametrize("service", ["transfer_create", "payment_capture"])
def test_the_same_call_outside_a_transaction_runs(service, merchant):
    world = World(merchant)
    PREPARE[service](world)

    result = CASES[service](world)

    assert result.status == {"transfer_create": "posted", "payment_capture": "succeeded"}[service]
