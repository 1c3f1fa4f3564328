"""The audit log in the back office: read-only, with a chain check."""

from django.contrib import admin, messages

from .models import AuditEntry
from .services.audit import audit_seal_and_verify


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
