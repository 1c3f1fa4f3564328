from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from mcp_payments.api.fields import PrefixedIdField


class Merchant(models.Model):
    """A tenant: every merchant-owned object points here."""

    id = PrefixedIdField("mer")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class Role(models.TextChoices):
    ADMIN = "admin"
    FINANCE = "finance"
    SUPPORT = "support"
    COMPLIANCE = "compliance"
    VIEWER = "viewer"


class Membership(models.Model):
    """A dashboard user's role within their merchant. Platform staff need none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.role} @ {self.merchant_id}"


class ApiKey(models.Model):
    """A merchant's secret key. Only a SHA-256 of the secret is stored (the secret has 192 bits
    of entropy, so a slow hash adds nothing but latency on every request)."""

    class Mode(models.TextChoices):
        TEST = "test"
        LIVE = "live"

    id = PrefixedIdField("key")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(max_length=100, blank=True)
    mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.TEST)
    secret_hash = models.CharField(max_length=64, unique=True)
    secret_last4 = models.CharField(max_length=4)
    scopes = ArrayField(models.CharField(max_length=32), default=list)
    created = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Agent policy (API.md §7), enforced by the MCP layer's services.
    max_amount_per_call = models.BigIntegerField(null=True, blank=True)
    daily_limit = models.JSONField(default=dict, blank=True)  # {"usd": 100000}
    approval_above = models.BigIntegerField(null=True, blank=True)
    allowed_tools = ArrayField(models.CharField(max_length=64), null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name or self.id} (sk_{self.mode}_…{self.secret_last4})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def has_agent_policy(self) -> bool:
        return any(
            (
                self.max_amount_per_call is not None,
                bool(self.daily_limit),
                self.approval_above is not None,
                self.allowed_tools is not None,
                self.expires_at is not None,
                self.read_only,
            )
        )
