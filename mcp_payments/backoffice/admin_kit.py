"""Building blocks of every app's `admin.py`: the unfold base classes, read-only admins and
inlines, the staff context, the bulk-action loop, money columns and state badges, and the
confirm-and-run page behind state-aware buttons (approve, reject, refund, capture, ...).

Admin views here never open a transaction: the services own theirs (Django wraps only change
forms and deletes in one), so a provider call made by a service is never inside an admin one."""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.decorators import display

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.selectors import user_context
from mcp_payments.api.errors import ApplicationError
from mcp_payments.api.money import format_money

# format_html_join escapes a plain-string separator.
LINE_BREAK = mark_safe("<br>")

__all__ = [
    "LINE_BREAK",
    "BackOfficeAdmin",
    "ReadOnlyAdmin",
    "ReadOnlyInline",
    "StackedInline",
    "action_buttons",
    "confirm_and_run",
    "display",
    "money",
    "money_column",
    "run_admin_action",
    "staff_context",
    "status_badge",
]

# Badge colours of unfold's `@display(label=...)` by status value.
STATUS_COLOURS = {
    "succeeded": "success",
    "executed": "success",
    "posted": "success",
    "paid": "success",
    "active": "success",
    "resolved": "success",
    "approved": "success",
    "won": "success",
    "pending": "warning",
    "processing": "warning",
    "open": "warning",
    "requires_capture": "info",
    "requires_confirmation": "info",
    "requires_action": "info",
    "requires_payment_method": "info",
    "needs_response": "warning",
    "under_review": "warning",
    "failed": "danger",
    "rejected": "danger",
    "canceled": "danger",
    "voided": "danger",
    "lost": "danger",
    "frozen": "danger",
    "expired": "danger",
}


def staff_context(request: HttpRequest) -> AuthContext | None:
    """The acting staff member's context (platform staff act across merchants)."""
    return user_context(request.user)


def money(amount: int | None, currency: str | None) -> str:
    """`amount` minor units shown with the currency's symbol and exponent (`$100.00`)."""
    if amount is None or not currency:
        return "—"
    return format_html(
        '<span class="tabular-nums whitespace-nowrap">{}</span>', format_money(amount, currency)
    )


def money_column(
    field: str, description: str, currency_field: str = "currency"
) -> Callable[[Any, Model], str]:
    """A list/detail column rendering `obj.<field>` in `obj.<currency_field>`, sortable."""

    @display(description=description, ordering=field)
    def column(self, obj: Model) -> str:
        return money(getattr(obj, field), getattr(obj, currency_field))

    column.__name__ = f"{field}_money"
    return column


def status_badge(field: str = "status", description: str = "Status") -> Callable:
    """A coloured badge of `obj.<field>` (unfold's label display)."""

    @display(description=description, ordering=field, label=STATUS_COLOURS)
    def column(self, obj: Model) -> str:
        return getattr(obj, field)

    column.__name__ = f"{field}_badge"
    return column


def action_buttons(buttons: Iterable[tuple[str, str, str]]) -> str:
    """Buttons for a change page: (label, url, variant) with variant primary/danger/default;
    an empty iterable renders a dash (no action applies in this state)."""
    variants = {
        "primary": "bg-primary-600 border-primary-600 text-white",
        "danger": "bg-red-600 border-red-600 text-white",
        "default": "bg-white border-base-200 text-base-700 dark:bg-base-900 dark:text-base-200",
    }
    rendered = format_html_join(
        "",
        '<a class="inline-flex items-center mr-2 mb-2 px-3 py-2 rounded-default border '
        'font-medium {}" href="{}">{}</a>',
        ((variants[variant], url, label) for label, url, variant in buttons),
    )
    return rendered or "—"


def run_admin_action(modeladmin, request: HttpRequest, queryset: QuerySet, action, verb: str):
    """Apply a service `action` to each selected object; refusals become error messages."""
    done = 0
    for obj in queryset:
        try:
            action(obj)
            done += 1
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{obj.pk}: {exc.message}", level=messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{verb} {done} object(s).")


def confirm_and_run(
    modeladmin: ModelAdmin,
    request: HttpRequest,
    *,
    obj: Model,
    title: str,
    form_class: type[forms.Form],
    run: Callable[[dict[str, Any]], str],
    summary: list[tuple[str, Any]],
    submit_label: str,
    danger: bool = False,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page behind a state-changing button: GET shows the object's summary and a form, POST
    validates it and calls `run(cleaned_data)` (one service call, outside any transaction),
    which returns the success message; a refusal (`ApplicationError`) is shown on the page and
    changes nothing. Redirects to the object's change page on success."""
    opts = modeladmin.model._meta
    change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            message = run(form.cleaned_data)
        except ApplicationError as exc:
            modeladmin.message_user(request, exc.message, level=messages.ERROR)
        else:
            modeladmin.message_user(request, message, level=messages.SUCCESS)
            return HttpResponseRedirect(change_url)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": opts,
        "original": obj,
        "form": form,
        "summary": summary,
        "submit_label": submit_label,
        "danger": danger,
        "change_url": change_url,
        **(extra or {}),
    }
    return TemplateResponse(request, "backoffice/confirm_action.html", context)


class BackOfficeAdmin(ModelAdmin):
    """The unfold admin with the back office's defaults."""

    list_per_page = 50
    list_filter_submit = True
    compressed_fields = True
    warn_unsaved_form = True


class ReadOnlyAdmin(BackOfficeAdmin):
    """Shows rows; nothing is added, changed or deleted through the generic forms (writes go
    through the services, from actions and custom views)."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyInline(TabularInline):
    """Child rows shown on the parent's page, never edited there."""

    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        return self.fields

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
