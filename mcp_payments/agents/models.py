"""What the agent-safety layer keeps: each key's spend per day and currency, and the calls that
wait for (or got) a staff decision."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from mcp_payments.api.fields import PrefixedIdField


class AgentSpend(models.Model):
    """Amount a policy owner (an API key `key_…`, or a merchant's assistant
    `assistant:mer_…`) moved on one UTC day in one currency. Only `enforcement.spend_reserve`
    writes it: one conditional upsert inside the money movement's transaction, so a refused or
    rolled-back movement leaves it unchanged."""

    owner = models.CharField(max_length=64)
    day = models.DateField()
    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "day", "currency"], name="agent_spend_owner_day_currency"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="agent_spend_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.day} {self.amount} {self.currency}"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending"  # waiting for staff
    APPROVED = "approved"  # decided, the call is running
    REJECTED = "rejected"
    EXECUTED = "executed"  # approved and the call succeeded (result holds the object)
    FAILED = "failed"  # approved but the call was refused (result holds the error)
    EXPIRED = "expired"  # nobody decided before `expires_at`


class AgentApproval(models.Model):
    """A money-moving call (REST or MCP) above its policy's `approval_above`: nothing happened
    yet. Approval runs the call once, through the operation registry, with its original
    arguments; the approval owns the request's idempotency record (`idempotency_scope`,
    `idempotency_key`) and writes the executed call's response into it."""

    id = PrefixedIdField("appr")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The policy owner: the key's id, or `assistant:<merchant>` for the merchant's assistant.
    owner = models.CharField(max_length=64)
    # The dashboard user the assistant acted for (JWT on /mcp); None for API keys.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    interface = models.CharField(max_length=8, default="mcp")  # "rest" or "mcp"
    tool = models.CharField(max_length=64)  # the operation name (API.md §7, docs/api.md)
    arguments = models.JSONField()
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    idempotency_key = models.CharField(max_length=255)
    idempotency_scope = models.CharField(max_length=100, default="")
    policy_verdict = models.JSONField(default=dict)
    # {"status": <HTTP status>, "body": ...} of the call when it ran (what a replay answers).
    response = models.JSONField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    retried = models.BooleanField(default=False)
    status = models.CharField(
        max_length=8, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    reason = models.CharField(max_length=500, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A retried call (same key, same idempotency key) finds its approval again.
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"], name="agent_approval_owner_idempotency"
            ),
        ]
        indexes = [
            models.Index(fields=["merchant", "-id"], name="agent_approval_merchant"),
            models.Index(fields=["status", "-id"], name="agent_approval_status"),
        ]

    def __str__(self) -> str:
        return f"{self.tool} {self.amount} {self.currency} ({self.status}, {self.id})"


class AssistantPolicy(models.Model):
    """The merchant's assistant policy: the agent policy of its dashboard users' JWTs on `/mcp`
    (the same fields and meaning as an API key's agent policy, API.md §7)."""

    merchant = models.OneToOneField(
        "accounts.Merchant", on_delete=models.CASCADE, related_name="assistant_policy"
    )
    max_amount_per_call = models.BigIntegerField(null=True, blank=True)
    daily_limit = models.JSONField(default=dict, blank=True)  # {"usd": 100000}
    approval_above = models.BigIntegerField(null=True, blank=True)
    allowed_tools = ArrayField(models.CharField(max_length=64), null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(default=False)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"assistant policy of {self.merchant_id}"
