from typing import Any

from mcp_payments.api.errors import ApplicationError, Conflict, InvalidRequest, NotFound


class CustomerNotFound(NotFound):
    message = "No such customer."


class PaymentNotFound(NotFound):
    message = "No such payment."


class PaymentMethodNotFound(NotFound):
    message = "No such payment method."


class RefundNotFound(NotFound):
    message = "No such refund."


class DisputeNotFound(NotFound):
    message = "No such dispute."


class InvalidCardToken(InvalidRequest):
    code = "token_invalid"
    message = "This card token is not valid."


class PaymentMethodDetached(InvalidRequest):
    code = "payment_method_detached"
    message = "This payment method is detached and cannot be used."


class PaymentMethodRequired(InvalidRequest):
    code = "payment_method_required"
    message = "A payment method is required to confirm this payment."
    param = "payment_method"


class PaymentMethodCustomerMismatch(InvalidRequest):
    code = "payment_method_customer_mismatch"
    message = "The payment method belongs to a different customer."
    param = "payment_method"


class PaymentUnexpectedState(Conflict):
    code = "payment_unexpected_state"


class PaymentNotCapturable(Conflict):
    code = "payment_not_capturable"
    message = "Only a payment in requires_capture can be captured."


class PaymentNotCancelable(Conflict):
    code = "payment_not_cancelable"
    message = "This payment can no longer be canceled."


class PaymentNotRefundable(Conflict):
    code = "payment_not_refundable"
    message = "Only a succeeded payment with money left to refund can be refunded."


class AmountExceedsCapturable(InvalidRequest):
    code = "amount_too_large"
    param = "amount_to_capture"


class RefundExceedsPayment(InvalidRequest):
    code = "amount_too_large"
    param = "amount"


class DisputeClosed(Conflict):
    code = "dispute_closed"
    message = "This dispute is closed."


class ProviderUnavailableError(ApplicationError):
    type = "api_error"
    code = "provider_unavailable"
    status = 503
    message = "The payment provider is unavailable; retry with the same Idempotency-Key."


class CardError(ApplicationError):
    """402: the card was declined (or the payment blocked); the envelope carries the payment."""

    type = "card_error"
    code = "card_declined"
    status = 402

    def __init__(
        self, *, code: str, decline_code: str | None, message: str, payment: dict[str, Any]
    ) -> None:
        super().__init__(
            message, code=code, extra={"decline_code": decline_code, "payment": payment}
        )
        self.decline_code = decline_code


class PaymentMethodAlreadyDetached(Conflict):
    """Detaching a payment method that is detached already: a state conflict (409)."""

    code = "payment_method_detached"
    message = "This payment method is already detached."
