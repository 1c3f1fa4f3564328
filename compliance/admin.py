"""The audit log in the back office: read-only, with a chain check."""

from django.contrib import admin, messages

from mcp_payments.accounts.selectors import user_context
from mcp_payments.api.errors import ApplicationError

from .models import AuditEntry, RiskReview
from .services.audit import audit_seal_and_verify
from .services.reviews import risk_review_decide


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created",
        "merchant_id",
        "actor_type",
        "actor_id",
        "action",
        "object_type",
        "object_id",
        "chain_position",
    )
    list_filter = ("action", "actor_type")
    search_fields = ("=object_id", "=actor_id", "=request_id")
    ordering = ("-id",)
    show_full_result_count = False
    actions = ["verify_chain"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Verify the audit chain", permissions=["view"])
    def verify_chain(self, request, queryset) -> None:
        """Checks the whole chain; the selection is ignored."""
        result = audit_seal_and_verify()
        if result.ok:
            self.message_user(
                request, f"Audit chain intact: {result.checked} entries verified.", messages.SUCCESS
            )
        else:
            self.message_user(
                request,
                f"Audit chain broken at position {result.first_broken_position} "
                f"({result.first_broken_id}): {result.reason} "
                f"{result.checked} entries verified before it.",
                messages.ERROR,
            )


@admin.register(RiskReview)
class RiskReviewAdmin(admin.ModelAdmin):
    """The risk review queue: open reviews first; approve or reject through the service."""

    list_display = ("id", "merchant_id", "object_id", "score", "status", "created", "decided_by")
    list_filter = ("status",)
    search_fields = ("=id", "=object_id", "=merchant_id")
    ordering = ("status", "-id")
    actions = ["approve", "reject"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _decide(self, request, queryset, approve: bool) -> None:
        context = user_context(request.user)
        for review in queryset:
            try:
                risk_review_decide(context=context, review_id=review.id, approve=approve)
            except ApplicationError as exc:
                self.message_user(request, f"{review.id}: {exc.message}", messages.ERROR)

    @admin.action(description="Approve selected reviews", permissions=["view"])
    def approve(self, request, queryset) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject selected reviews", permissions=["view"])
    def reject(self, request, queryset) -> None:
        self._decide(request, queryset, approve=False)


# Regulatory reports (issue #16).
from .reports import admin as _reports_admin  # noqa: E402, F401
