"""OpenAPI security schemes for our authentication classes (loaded by AccountsConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "mcp_payments.accounts.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Secret API key: `Authorization: Bearer sk_test_...`",
        }


class JwtScheme(OpenApiAuthenticationExtension):
    target_class = "mcp_payments.accounts.authentication.MerchantJWTAuthentication"
    name = "jwt"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
