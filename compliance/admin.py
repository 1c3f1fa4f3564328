"""Compliance in the back office: the audit log (read-only, with a chain check), the risk
review queue, AML alerts (resolve with a note) and the block list used by risk scoring (add,
remove). Every write goes through the services (audited)."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html_join

from mcp_payments.backoffice.admin_kit import (
    LINE_BREAK,
    BackOfficeAdmin,
    ReadOnlyAdmin,
    action_buttons,
    confirm_and_run,
    display,
    run_admin_action,
    staff_context,
    status_badge,
)

from .alerts import alert_resolve
from .models import Alert, AlertStatus, AuditEntry, BlockListEntry, RiskReview
from .services.audit import audit_seal_and_verify
from .services.block_list import block_list_add, block_list_remove
from .services.reviews import risk_review_decide


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created",
        "action",
        "actor_type",
        "actor_id",
        "object_type",
        "object_id",
        "merchant_id",
        "chain_position",
    )
    list_filter = ("action", "actor_type")
    search_fields = ("=object_id", "=actor_id", "=request_id")
    ordering = ("-id",)
    show_full_result_count = False
    actions = ["verify_chain"]

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
class RiskReviewAdmin(ReadOnlyAdmin):
    """The risk review queue: open reviews first; approve or reject through the service."""

    list_display = ("id", "object_id", "score", "status_badge", "merchant_id", "created")
    list_filter = ("status",)
    search_fields = ("=id", "=object_id", "=merchant_id")
    ordering = ("status", "-id")
    actions = ["approve", "reject"]

    status_badge = status_badge()

    def _decide(self, request, queryset, approve: bool) -> None:
        context = staff_context(request)
        run_admin_action(
            self,
            request,
            queryset,
            lambda r: risk_review_decide(context=context, review_id=r.id, approve=approve),
            "Approved" if approve else "Rejected",
        )

    @admin.action(description="Approve selected reviews", permissions=["view"])
    def approve(self, request, queryset) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject selected reviews", permissions=["view"])
    def reject(self, request, queryset) -> None:
        self._decide(request, queryset, approve=False)


class ResolveForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="What was checked and why the alert is closed (kept in the audit log).",
    )


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """AML and compliance alerts: open first; resolving takes a note (audited)."""

    list_display = ("id", "kind", "severity", "status_badge", "object_id", "created")
    list_filter = ("status", "kind", "severity")
    search_fields = ("=id", "=object_id", "=merchant_id")
    ordering = ("status", "-id")
    fields = (
        ("id", "status_badge"),
        ("kind", "severity"),
        ("merchant_id", "object_id"),
        ("created", "resolved_at"),
        "details_table",
        "resolve_button",
    )
    readonly_fields = ("status_badge", "details_table", "resolve_button")

    status_badge = status_badge()

    @display(description="Details")
    def details_table(self, alert: Alert) -> str:
        return (
            format_html_join(LINE_BREAK, "<strong>{}</strong>: {}", sorted(alert.details.items()))
            or "—"
        )

    @display(description="Actions")
    def resolve_button(self, alert: Alert) -> str:
        if alert.status != AlertStatus.OPEN:
            return action_buttons([])
        url = reverse("admin:compliance_alert_resolve", args=[alert.pk])
        return action_buttons([("Resolve…", url, "primary")])

    def get_urls(self):
        return [
            path(
                "<str:alert_id>/resolve/",
                self.admin_site.admin_view(self.resolve_view),
                name="compliance_alert_resolve",
            ),
            *super().get_urls(),
        ]

    def resolve_view(self, request: HttpRequest, alert_id: str) -> HttpResponse:
        """Resolve an open alert with a note, through `alert_resolve`."""
        alert = get_object_or_404(Alert, pk=alert_id)

        def run(data: dict) -> str:
            resolved = alert_resolve(
                context=staff_context(request), alert_id=alert.pk, note=data["note"]
            )
            return f"Alert {resolved.id} resolved."

        return confirm_and_run(
            self,
            request,
            obj=alert,
            title=f"Resolve alert {alert.id}",
            form_class=ResolveForm,
            run=run,
            summary=[
                ("Alert", alert.id),
                ("Kind", alert.kind),
                ("Severity", alert.severity),
                ("Object", alert.object_id or "—"),
                ("Status", alert.status),
            ],
            submit_label="Resolve",
        )


class BlockListEntryForm(forms.ModelForm):
    class Meta:
        model = BlockListEntry
        fields = ("kind", "value", "merchant_id", "reason")


@admin.register(BlockListEntry)
class BlockListEntryAdmin(BackOfficeAdmin):
    """Values that block payments in risk scoring. Add and remove only (through the block-list
    services, audited); an entry is never edited in place."""

    form = BlockListEntryForm
    list_display = ("id", "kind", "value", "merchant_scope", "reason", "created")
    list_filter = ("kind",)
    search_fields = ("value", "=merchant_id", "reason")
    ordering = ("-id",)
    actions = ("remove_entries",)

    @display(description="Merchant")
    def merchant_scope(self, entry: BlockListEntry) -> str:
        return entry.merchant_id or "all merchants"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        # Django's bulk delete would bypass the service (and its audit row): ours replaces it.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        created = block_list_add(
            context=staff_context(request),
            kind=data["kind"],
            value=data["value"],
            merchant_id=data.get("merchant_id") or None,
            reason=data.get("reason") or "",
        )
        obj.__dict__.update(created.__dict__)

    @admin.action(description="Remove selected entries (unblock)", permissions=["view"])
    def remove_entries(self, request, queryset) -> None:
        context = staff_context(request)
        run_admin_action(
            self,
            request,
            queryset,
            lambda entry: block_list_remove(context=context, entry_id=entry.pk),
            "Removed",
        )


# Regulatory reports (issue #16).
from .reports import admin as _reports_admin  # noqa: E402, F401
