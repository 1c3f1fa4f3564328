from mcp_payments.api.errors import ApplicationError, InvalidRequest


class InvalidScope(InvalidRequest):
    code = "invalid_scope"


class ApiKeyAlreadyRevoked(ApplicationError):
    type = "conflict_error"
    code = "api_key_revoked"
    status = 409
    message = "This API key is already revoked."


class MerchantRequired(InvalidRequest):
    code = "merchant_required"
    message = (
        "Platform staff must name the merchant to act for with the MCP-Payments-Merchant header."
    )
    param = "MCP-Payments-Merchant"


class LastAdmin(ApplicationError):
    type = "conflict_error"
    code = "last_admin"
    status = 409
    message = "A merchant keeps at least one admin: promote another member first."


class MembershipExists(ApplicationError):
    type = "conflict_error"
    code = "membership_exists"
    status = 409
    message = "This user already belongs to a merchant (one membership per user)."
    param = "user"


class UsernameTaken(ApplicationError):
    type = "conflict_error"
    code = "username_taken"
    status = 409
    message = "This username is already in use."
    param = "username"


class OtpInvalid(ApplicationError):
    """Platform staff (and enrolled users) get a token only with their current TOTP code."""

    type = "authentication_error"
    code = "otp_invalid"
    status = 401
    message = "A valid two-factor code is required in the `otp` field (manage.py staff_otp)."
    param = "otp"


class LoginLockedOut(ApplicationError):
    type = "rate_limit_error"
    code = "login_locked_out"
    status = 429
    message = "Too many failed login attempts for this username: try again later."
