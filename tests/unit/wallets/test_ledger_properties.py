"""Property-based: any sequence of ledger operations keeps every entry balanced, every
materialized balance equal to its postings, and no wallet below zero."""

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.scopes import ALL_SCOPES
from mcp_payments.api.errors import ApplicationError
from tests.fixtures.factories import MerchantFactory
from tests.fixtures.ledger import fund_wallet, staff_pair
from wallets.enums import TransferStatus
from wallets.models import AccountBalance, Transfer
from wallets.selectors import ledger_mismatches, trial_balance, unbalanced_entries
from wallets.services.adjustments import adjustment_approve, adjustment_request
from wallets.services.payouts import payout_cancel, payout_create, payout_settle
from wallets.services.transfers import (
    TransferRequest,
    transfer_create,
    transfer_expire_holds,
    transfer_post,
    transfer_void,
)
from wallets.services.wallets import wallet_create

amounts = st.integers(min_value=1, max_value=600)


class LedgerMachine(RuleBasedStateMachine):
    @initialize()
    def open_savepoint(self):
        self._atomic = transaction.atomic()
        # This block plays the part of a TestCase's per-test transaction (one per example), so
        # it is marked as Django marks those: the services' durable blocks may open inside it.
        self._atomic._from_testcase = True
        self._atomic.__enter__()
        merchant = MerchantFactory()
        self.context = AuthContext(merchant=merchant, scopes=frozenset(ALL_SCOPES))
        self.wallets = []
        self.holds = []
        self.payouts = []

    def teardown(self):
        if hasattr(self, "_atomic"):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    def attempt(self, operation, *args, **kwargs):
        try:
            return operation(*args, **kwargs)
        except ApplicationError:
            return None

    @precondition(lambda self: len(self.wallets) < 4)
    @rule(funding=st.integers(min_value=0, max_value=1000))
    def open_wallet(self, funding):
        wallet = wallet_create(context=self.context, currency="usd")
        if funding:
            fund_wallet(wallet, funding)
        self.wallets.append(wallet)

    @precondition(lambda self: len(self.wallets) >= 2)
    @rule(data=st.data(), amount=amounts, pending=st.booleans(), fee=st.integers(0, 5))
    def transfer(self, data, amount, pending, fee):
        source, destination = data.draw(st.permutations(self.wallets))[:2]
        transfer = self.attempt(
            transfer_create,
            context=self.context,
            request=TransferRequest(
                source_wallet=source.id,
                destination_wallet=destination.id,
                amount=amount,
                currency="usd",
                pending=pending,
                hold_expires_in=1 if pending and amount % 3 == 0 else None,
                application_fee_amount=min(fee, amount),
            ),
        )
        if transfer is not None and pending:
            self.holds.append(transfer.id)

    @precondition(lambda self: self.holds)
    @rule(data=st.data(), fraction=st.floats(min_value=0.01, max_value=1.0))
    def post_hold(self, data, fraction):
        transfer_id = data.draw(st.sampled_from(self.holds))
        held = Transfer.objects.get(pk=transfer_id)
        amount = max(held.application_fee_amount, 1, int(held.amount * fraction))
        self.attempt(transfer_post, context=self.context, transfer_id=transfer_id, amount=amount)

    @precondition(lambda self: self.holds)
    @rule(data=st.data())
    def void_hold(self, data):
        transfer_id = data.draw(st.sampled_from(self.holds))
        self.attempt(transfer_void, context=self.context, transfer_id=transfer_id)

    @rule()
    def expire_holds(self):
        Transfer.objects.filter(status=TransferStatus.PENDING, amount__gt=300).update(
            hold_expires_at="2000-01-01T00:00:00Z"
        )
        transfer_expire_holds()

    @precondition(lambda self: self.wallets)
    @rule(data=st.data(), amount=amounts, fails=st.booleans())
    def payout(self, data, amount, fails):
        wallet = data.draw(st.sampled_from(self.wallets))
        payout = self.attempt(
            payout_create,
            context=self.context,
            amount=amount,
            currency="usd",
            destination="btok_fail" if fails else "btok_success",
            wallet_id=wallet.id,
        )
        if payout is not None:
            self.payouts.append(payout.id)

    @precondition(lambda self: self.payouts)
    @rule(data=st.data(), cancel=st.booleans())
    def finish_payout(self, data, cancel):
        payout_id = data.draw(st.sampled_from(self.payouts))
        if cancel:
            self.attempt(payout_cancel, context=self.context, payout_id=payout_id)
        else:
            payout_settle(payout_id=payout_id)

    @precondition(lambda self: self.wallets)
    @rule(data=st.data(), amount=amounts)
    def take_back(self, data, amount):
        wallet = data.draw(st.sampled_from(self.wallets))
        maker, checker = staff_pair()
        adjustment = adjustment_request(
            context=maker, wallet=wallet, direction="debit", amount=amount, reason="correction"
        )
        self.attempt(adjustment_approve, context=checker, adjustment_id=adjustment.id)

    @invariant()
    def ledger_is_consistent(self):
        if not hasattr(self, "_atomic"):
            return
        assert unbalanced_entries() == []
        assert ledger_mismatches() == []
        assert all(line.balanced for line in trial_balance())
        for row in AccountBalance.objects.filter(account__code="wallet"):
            assert row.debits_posted + row.debits_pending <= row.credits_posted


LedgerMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def test_ledger_state_machine(db):
    LedgerMachine.TestCase().runTest()
