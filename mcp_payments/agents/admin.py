"""Back office: agent approvals and each key's daily spend. An approval's page shows the call
(arguments redacted), what approving would do (the call's dry run: the object it would create,
its ledger postings and fee) and the key's policy verdict, with Approve and Reject buttons
for a pending call. Deciding goes through the approvals service (audited, the staff member is
the approver) outside any transaction."""

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from mcp_payments.backoffice.admin_kit import (
    LINE_BREAK,
    ReadOnlyAdmin,
    action_buttons,
    confirm_and_run,
    display,
    money,
    money_column,
    run_admin_action,
    staff_context,
    status_badge,
)
from mcp_payments.mcp.approval_preview import approval_dry_run
from mcp_payments.mcp.redaction import redact_arguments

from .models import AgentApproval, AgentSpend, ApprovalStatus
from .services import approvals


def _pretty(value: Any) -> str:
    return format_html(
        '<pre class="text-xs whitespace-pre-wrap break-all">{}</pre>',
        json.dumps(value, indent=2, sort_keys=True, default=str),
    )


def verdict_lines(policy: dict[str, Any], currency: str) -> str:
    """The policy verdict of a dry run, one line per limit, amounts in `currency`."""
    allowed = "allowed" if policy.get("allowed") else f"refused ({policy.get('refusal')})"
    rows = [
        ("Verdict", allowed),
        ("Needs approval", "yes" if policy.get("approval_required") else "no (approved)"),
        ("Approval above", money(policy.get("approval_above"), currency)),
        ("Max per call", money(policy.get("max_amount_per_call"), currency)),
        ("Daily limit", money(policy.get("daily_limit"), currency)),
        ("Spent today", money(policy.get("daily_spent"), currency)),
    ]
    return format_html_join(LINE_BREAK, "<strong>{}</strong>: {}", rows)


class DecisionForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the decision and in the audit log.",
    )


@admin.register(AgentApproval)
class AgentApprovalAdmin(ReadOnlyAdmin):
    list_display = ("id", "amount_money", "currency", "tool", "owner", "status_badge", "created")
    list_filter = ("status", "tool", "currency", "interface")
    search_fields = ("id", "merchant__id", "=owner")
    ordering = ("-id",)
    actions = ("approve", "reject", "retry")
    fields = (
        ("id", "status_badge"),
        ("tool", "amount_money"),
        ("merchant", "owner"),
        ("created", "decided_at"),
        ("decided_by", "reason"),
        "decision_buttons",
        "call_arguments",
        "would_do",
        "policy_verdict",
        "result_body",
    )
    readonly_fields = (
        "status_badge",
        "amount_money",
        "decision_buttons",
        "call_arguments",
        "would_do",
        "policy_verdict",
        "result_body",
    )

    amount_money = money_column("amount", "Amount")
    status_badge = status_badge()

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def _preview(self, approval: AgentApproval) -> dict[str, Any] | None:
        """The dry run of a pending call, computed once per page."""
        if approval.status != ApprovalStatus.PENDING:
            return None
        cached = getattr(approval, "_dry_run", None)
        if cached is None:
            cached = approval._dry_run = approval_dry_run(approval=approval)
        return cached

    @display(description="Decision")
    def decision_buttons(self, approval: AgentApproval) -> str:
        if approval.status != ApprovalStatus.PENDING:
            return action_buttons([])
        return action_buttons(
            [
                ("Approve…", self._url("approve", approval), "primary"),
                ("Reject…", self._url("reject", approval), "danger"),
            ]
        )

    @display(description="Arguments (PII redacted)")
    def call_arguments(self, approval: AgentApproval) -> str:
        return _pretty(redact_arguments(approval.arguments))

    @display(description="Dry run: what approving would do")
    def would_do(self, approval: AgentApproval) -> str:
        preview = self._preview(approval)
        if preview is None:
            return "— (decided)"
        if preview.get("object") != "dry_run":
            return format_html("Cannot run: {}", preview.get("error", {}).get("message", ""))
        if preview.get("error"):
            return format_html("Would be refused: {}", preview["error"].get("message", ""))
        postings = format_html_join(
            LINE_BREAK,
            "{} {} {}",
            (
                (p["type"], p["account"], money(p["amount"], p["currency"]))
                for p in preview["postings"]
            ),
        )
        return format_html(
            "<strong>Moves</strong> {} · <strong>fee</strong> {}<br><strong>Postings</strong>"
            "<br>{}<br><strong>Would create</strong>{}",
            money(preview["amount"], preview["currency"]),
            money(preview["fee"], preview["currency"]),
            postings or "—",
            _pretty(preview["would_create"]),
        )

    @display(description="Policy verdict")
    def policy_verdict(self, approval: AgentApproval) -> str:
        preview = self._preview(approval)
        if preview is None or "policy" not in preview:
            return "—"
        return verdict_lines(preview["policy"], approval.currency)

    @display(description="Result")
    def result_body(self, approval: AgentApproval) -> str:
        return _pretty(approval.result) if approval.result is not None else "—"

    @staticmethod
    def _url(action: str, approval: AgentApproval) -> str:
        return reverse(f"admin:agents_agentapproval_{action}", args=[approval.pk])

    def get_urls(self):
        return [
            *(
                path(
                    f"<str:approval_id>/{name}/",
                    self.admin_site.admin_view(view),
                    name=f"agents_agentapproval_{name}",
                )
                for name, view in (("approve", self.approve_view), ("reject", self.reject_view))
            ),
            *super().get_urls(),
        ]

    def _summary(self, approval: AgentApproval) -> list[tuple[str, Any]]:
        return [
            ("Approval", approval.id),
            ("Tool", approval.tool),
            ("Amount", money(approval.amount, approval.currency)),
            ("Merchant", approval.merchant_id),
            ("Owner", approval.owner),
            ("Status", approval.status),
        ]

    def approve_view(self, request: HttpRequest, approval_id: str) -> HttpResponse:
        """Approve and run the call once, through `approval_approve`."""
        approval = get_object_or_404(AgentApproval, pk=approval_id)

        def run(data: dict) -> str:
            decided = approvals.approval_approve(
                context=staff_context(request), approval_id=approval.pk, reason=data["reason"]
            )
            return f"Approved {decided.id}: the call {decided.status}."

        return confirm_and_run(
            self,
            request,
            obj=approval,
            title=f"Approve {approval.id}",
            form_class=DecisionForm,
            run=run,
            summary=self._summary(approval),
            submit_label="Approve and run",
        )

    def reject_view(self, request: HttpRequest, approval_id: str) -> HttpResponse:
        """Refuse the call (it never runs), through `approval_reject`."""
        approval = get_object_or_404(AgentApproval, pk=approval_id)

        def run(data: dict) -> str:
            decided = approvals.approval_reject(
                context=staff_context(request), approval_id=approval.pk, reason=data["reason"]
            )
            return f"Rejected {decided.id}."

        return confirm_and_run(
            self,
            request,
            obj=approval,
            title=f"Reject {approval.id}",
            form_class=DecisionForm,
            run=run,
            summary=self._summary(approval),
            submit_label="Reject",
            danger=True,
        )

    def _decide(self, request, queryset, decide, verb: str) -> None:
        context = staff_context(request)
        run_admin_action(
            self,
            request,
            queryset,
            lambda approval: decide(context=context, approval_id=approval.pk),
            verb,
        )

    @admin.action(description="Approve and run the selected calls", permissions=["view"])
    def approve(self, request, queryset) -> None:
        self._decide(request, queryset, approvals.approval_approve, "Approved")

    @admin.action(description="Reject the selected calls", permissions=["view"])
    def reject(self, request, queryset) -> None:
        self._decide(request, queryset, approvals.approval_reject, "Rejected")

    @admin.action(description="Retry the selected failed calls (once)", permissions=["view"])
    def retry(self, request, queryset) -> None:
        self._decide(request, queryset, approvals.approval_retry, "Retried")


@admin.register(AgentSpend)
class AgentSpendAdmin(ReadOnlyAdmin):
    list_display = ("owner", "day", "amount_money", "currency")
    list_filter = ("currency", "day")
    search_fields = ("=owner",)
    ordering = ("-day",)

    amount_money = money_column("amount", "Spent")
