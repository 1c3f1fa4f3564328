"""Billing refusals: one code per failure (rendered in the API's error envelope)."""

from mcp_payments.api.errors import Conflict, InvalidRequest, NotFound


class ProductNotFound(NotFound):
    message = "No such product."


class PriceNotFound(NotFound):
    message = "No such price."


class SubscriptionNotFound(NotFound):
    message = "No such subscription."


class InvoiceNotFound(NotFound):
    message = "No such invoice."


class CouponNotFound(NotFound):
    message = "No such coupon."


class TestClockNotFound(NotFound):
    __test__ = False
    message = "No such test clock."


class PriceImmutable(InvalidRequest):
    code = "price_immutable"
    message = "A price's amount, currency and interval cannot change; create a new price."


class PriceInactive(InvalidRequest):
    code = "price_inactive"
    message = "This price is not active."


class PriceNotRecurring(InvalidRequest):
    code = "price_not_recurring"
    message = "Subscriptions need recurring prices."


class ItemsMismatch(InvalidRequest):
    code = "subscription_items_mismatch"
    message = "All items of a subscription must share one currency and one interval."
    param = "items"


class InvalidBillingParameter(InvalidRequest):
    code = "parameter_invalid"


class SubscriptionTerminal(Conflict):
    code = "subscription_terminal"
    message = "This subscription has ended; it cannot change."


class SubscriptionNotPausable(Conflict):
    code = "subscription_not_pausable"


class SubscriptionNotPaused(Conflict):
    code = "subscription_not_paused"
    message = "This subscription is not paused."


class InvoiceAlreadyPaid(Conflict):
    code = "invoice_already_paid"
    message = "This invoice is already paid."


class InvoiceNotPayable(Conflict):
    code = "invoice_not_payable"


class InvoicePaymentInProgress(Conflict):
    code = "invoice_payment_in_progress"
    message = "A payment attempt for this invoice is in progress; retry later."


class InvoiceStateConflict(Conflict):
    code = "invoice_unexpected_state"


class InvoiceNothingToInvoice(InvalidRequest):
    code = "invoice_no_pending_items"
    message = "The customer has no pending invoice items to invoice."


class PaymentMethodMissing(InvalidRequest):
    code = "invoice_payment_method_missing"
    message = "The invoice has no payment method: give payment_method or set the default."
    param = "payment_method"


class CouponInvalid(InvalidRequest):
    code = "coupon_invalid"
    param = "coupon"


class TestClockConflict(Conflict):
    __test__ = False
    code = "test_clock_unexpected_state"


class TestClockAdvanceInvalid(InvalidRequest):
    __test__ = False
    code = "test_clock_advance_invalid"
    param = "frozen_time"


class TestClockMismatch(InvalidRequest):
    __test__ = False
    code = "test_clock_mismatch"


class CurrencyMismatchError(InvalidRequest):
    code = "currency_mismatch"
    message = "The currencies do not match."
