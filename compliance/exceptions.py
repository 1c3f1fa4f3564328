"""Errors of the risk engine, KYC and retention (rendered in the API.md §1 envelope)."""

from mcp_payments.api.errors import ApplicationError, NotFound


class InvalidRuleExpression(ApplicationError):
    code = "invalid_rule_expression"
    message = "The rule expression is not valid."


class RiskRuleNotFound(NotFound):
    pass


class BlockListEntryNotFound(NotFound):
    pass


class KycLimitExceeded(ApplicationError):
    """403: the customer's KYC state does not allow this amount."""

    type = "permission_error"
    code = "kyc_limit_exceeded"
    status = 403
    param = "amount"


class RiskModelUnavailable(ApplicationError):
    code = "risk_model_training_failed"
    status = 409
    type = "conflict_error"
