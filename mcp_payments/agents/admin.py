"""Back office: agent approvals with approve/reject actions (the staff member is the audited
approver; approving runs the call), and each key's daily spend, read-only."""

from django.contrib import admin, messages

from mcp_payments.accounts.admin import staff_context
from mcp_payments.api.errors import ApplicationError

from .models import AgentApproval, AgentSpend
from .services import approvals


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _decide(modeladmin, request, queryset, decide, verb: str) -> None:
    context = staff_context(request)
    done = 0
    for approval in queryset:
        try:
            approval = decide(context=context, approval_id=approval.pk)
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{approval.pk}: {exc.message}", level=messages.ERROR)
        else:
            done += 1
            modeladmin.message_user(request, f"{approval.pk}: {approval.status}.")
    if done:
        modeladmin.message_user(request, f"{verb} {done} approval(s).")


@admin.action(description="Approve and run the selected calls")
def approve(modeladmin, request, queryset) -> None:
    _decide(modeladmin, request, queryset, approvals.approval_approve, "Approved")


@admin.action(description="Reject the selected calls")
def reject(modeladmin, request, queryset) -> None:
    _decide(modeladmin, request, queryset, approvals.approval_reject, "Rejected")


@admin.action(description="Retry the selected failed calls (once)")
def retry(modeladmin, request, queryset) -> None:
    _decide(modeladmin, request, queryset, approvals.approval_retry, "Retried")


@admin.register(AgentApproval)
class AgentApprovalAdmin(_ReadOnly):
    list_display = ("id", "merchant", "owner", "tool", "amount", "currency", "status", "created")
    list_filter = ("status", "tool", "currency")
    search_fields = ("id", "merchant__id", "=owner")
    ordering = ("-id",)
    actions = [approve, reject, retry]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff


@admin.register(AgentSpend)
class AgentSpendAdmin(_ReadOnly):
    list_display = ("owner", "day", "currency", "amount")
    list_filter = ("currency", "day")
    search_fields = ("=owner",)
    ordering = ("-day",)
