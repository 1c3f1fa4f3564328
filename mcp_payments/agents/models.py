"""What the agent-safety layer keeps: each key's spend per day and currency, and the calls that
wait for (or got) a staff decision."""

from django.conf import settings
from django.db import models

from mcp_payments.api.fields import PrefixedIdField


class AgentSpend(models.Model):
    """Amount an API key moved on one UTC day in one currency. Only
    `services.policy.spend_reserve` writes it: one conditional upsert inside the money
    movement's transaction, so a refused or rolled-back movement leaves it unchanged."""

    api_key = models.ForeignKey("accounts.ApiKey", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "day", "currency"], name="agent_spend_key_day_currency"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="agent_spend_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id} {self.day} {self.amount} {self.currency}"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending"  # waiting for staff
    APPROVED = "approved"  # decided, the call is running
    REJECTED = "rejected"
    EXECUTED = "executed"  # approved and the call succeeded (result holds the object)
    FAILED = "failed"  # approved but the call was refused (result holds the error)


class AgentApproval(models.Model):
    """A money-moving tool call above its key's `approval_above`: nothing happened yet. Approval
    runs the call once, with its original arguments and idempotency key."""

    id = PrefixedIdField("appr")
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.PROTECT, related_name="+")
    api_key = models.ForeignKey("accounts.ApiKey", on_delete=models.PROTECT, related_name="+")
    tool = models.CharField(max_length=64)
    arguments = models.JSONField()
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    idempotency_key = models.CharField(max_length=255)
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
                fields=["api_key", "idempotency_key"], name="agent_approval_key_idempotency"
            ),
        ]
        indexes = [
            models.Index(fields=["merchant", "-id"], name="agent_approval_merchant"),
            models.Index(fields=["status", "-id"], name="agent_approval_status"),
        ]

    def __str__(self) -> str:
        return f"{self.tool} {self.amount} {self.currency} ({self.status}, {self.id})"
