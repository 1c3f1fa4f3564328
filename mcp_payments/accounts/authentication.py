"""DRF authentication: merchant API keys (`sk_test_…`) and dashboard JWTs, both yielding an
`AuthContext` as `request.auth`."""

from django.contrib.auth import get_user_model
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from .context import AuthContext
from .selectors import api_key_context, user_context

SECRET_PREFIXES = ("sk_test_", "sk_live_")
MERCHANT_HEADER = "MCP-Payments-Merchant"


def _bearer(request: Request) -> str | None:
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() != b"bearer":
        return None
    try:
        return parts[1].decode()
    except UnicodeDecodeError:
        raise AuthenticationFailed("Invalid authorization header.") from None


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[None, AuthContext] | None:
        token = _bearer(request)
        if token is None or not token.startswith(SECRET_PREFIXES):
            return None
        context = api_key_context(token)
        if context is None:
            raise AuthenticationFailed("Invalid API key provided.")
        return (None, context)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class MerchantJWTAuthentication(JWTAuthentication):
    """simplejwt access tokens for dashboard users; platform staff may pick a merchant with the
    `MCP-Payments-Merchant` header."""

    def authenticate(self, request: Request):
        token = _bearer(request)
        if token is None or token.startswith(SECRET_PREFIXES):
            return None
        try:
            validated = self.get_validated_token(token.encode())
            user = self.get_user(validated)
        except (InvalidToken, TokenError, AuthenticationFailed):
            raise AuthenticationFailed("Invalid or expired token.") from None
        context = user_context(user, merchant_id=request.headers.get(MERCHANT_HEADER))
        if context is None:
            raise AuthenticationFailed("This user has no access to the API.")
        return (user, context)


def context_for_token(token: str) -> AuthContext | None:
    """Resolve a bare token (API key or JWT access token) — for WebSocket and MCP transports."""
    if token.startswith(SECRET_PREFIXES):
        return api_key_context(token)
    auth = JWTAuthentication()
    try:
        user = auth.get_user(auth.get_validated_token(token.encode()))
    except (InvalidToken, TokenError, AuthenticationFailed, get_user_model().DoesNotExist):
        return None
    return user_context(user)
