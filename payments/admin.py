"""Back office for payments: searchable list, a payment page with its timeline, ledger entries,
refunds and disputes, and capture / cancel / refund actions through the services (audited)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from mcp_payments.accounts.admin import run_admin_action as _run
from mcp_payments.accounts.admin import staff_context
from mcp_payments.api.errors import ApplicationError
from mcp_payments.events.models import Event
from wallets.models import JournalEntry

from .models import Customer, Dispute, MerchantPricing, Payment, PaymentMethod, Refund
from .services import disputes, payments, refunds
from .services.customers import customer_delete


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "merchant", "name", "email", "created", "deleted_at")
    list_filter = ("created", "deleted_at")
    search_fields = ("id", "email", "name", "merchant__id")
    ordering = ("-id",)
    actions = ("erase_customers",)

    @admin.action(description="Erase selected customers (redact PII, keep history)")
    def erase_customers(self, request, queryset) -> None:
        context = staff_context(request)
        erased = 0
        for customer in queryset:
            try:
                customer_delete(context=context, customer_id=customer.id)
                erased += 1
            except ApplicationError as exc:
                self.message_user(request, f"{customer.id}: {exc.message}", level=messages.ERROR)
        self.message_user(request, f"Erased {erased} customer(s).")


class AmountRangeFilter(admin.SimpleListFilter):
    title = "amount"
    parameter_name = "amount_range"
    RANGES = {
        "small": (None, 1_000),
        "medium": (1_000, 100_000),
        "large": (100_000, None),
    }

    def lookups(self, request, model_admin):
        return [("small", "< 1,000"), ("medium", "1,000 to 100,000"), ("large", "≥ 100,000")]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        low, high = self.RANGES.get(self.value(), (None, None))
        if low is not None:
            queryset = queryset.filter(amount__gte=low)
        if high is not None:
            queryset = queryset.filter(amount__lt=high)
        return queryset


class RiskLevelFilter(admin.SimpleListFilter):
    title = "risk level"
    parameter_name = "risk_level"

    def lookups(self, request, model_admin):
        return [("normal", "normal"), ("elevated", "elevated"), ("highest", "highest")]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(risk__level=self.value()) if self.value() else queryset


class RefundInline(admin.TabularInline):
    model = Refund
    fields = ("id", "amount", "status", "reason", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DisputeInline(RefundInline):
    model = Dispute
    fields = ("id", "amount", "fee", "status", "reason", "created")
    readonly_fields = fields


class RefundForm(forms.Form):
    amount = forms.IntegerField(
        min_value=1, required=False, help_text="Minor units; empty refunds all that remains."
    )
    reason = forms.ChoiceField(
        choices=[
            ("requested_by_customer", "requested by customer"),
            ("duplicate", "duplicate"),
            ("fraudulent", "fraudulent"),
        ]
    )


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "merchant",
        "amount",
        "currency",
        "status",
        "customer_email",
        "last4",
        "created",
    )
    list_filter = ("status", "currency", RiskLevelFilter, AmountRangeFilter, "created", "merchant")
    search_fields = ("=id", "customer__email", "payment_method__last4", "=provider_charge_id")
    ordering = ("-id",)
    list_select_related = ("customer", "payment_method", "merchant")
    inlines = [RefundInline, DisputeInline]
    actions = ("capture", "cancel", "refund_in_full")
    readonly_fields = ("refund_link", "risk_summary", "timeline", "ledger_entries")

    @admin.display(description="Risk")
    def risk_summary(self, payment: Payment) -> str:
        """Score, level, deciding rule, model version and top contributing features."""
        risk = payment.risk or {}
        if not risk:
            return "not scored"
        features = format_html_join(
            "",
            "<li>{} = {} (+{})</li>",
            (
                (item["feature"], item["value"], item["contribution"])
                for item in risk.get("top_features") or []
            ),
        )
        return format_html(
            "score {} ({}) · rule {} · model v{} · signals {}<ul>{}</ul>",
            risk.get("score"),
            risk.get("level"),
            risk.get("rule") or "—",
            risk.get("model_version") or "—",
            ", ".join(risk.get("rules") or []) or "—",
            features,
        )

    @admin.display(description="Refund")
    def refund_link(self, payment: Payment) -> str:
        url = reverse("admin:payments_payment_refund", args=[payment.id])
        return format_html('<a class="button" href="{}">Refund (full or partial)…</a>', url)

    @admin.display(description="Customer email")
    def customer_email(self, payment: Payment) -> str:
        return payment.customer.email if payment.customer else ""

    @admin.display(description="Last4")
    def last4(self, payment: Payment) -> str:
        return payment.payment_method.last4 if payment.payment_method else ""

    @admin.display(description="Timeline")
    def timeline(self, payment: Payment) -> str:
        events = Event.objects.filter(
            Q(object_id=payment.id)
            | Q(object_id__in=list(payment.refunds.values_list("id", flat=True)))
            | Q(object_id__in=list(payment.disputes.values_list("id", flat=True)))
        ).order_by("id")
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "", "<li>{} — {} ({})</li>", ((e.created, e.type, e.id) for e in events)
            ),
        )

    @admin.display(description="Ledger entries")
    def ledger_entries(self, payment: Payment) -> str:
        references = [payment.id, *payment.refunds.values_list("id", flat=True)]
        references += list(payment.disputes.values_list("id", flat=True))
        entries = JournalEntry.objects.filter(reference_id__in=references).prefetch_related(
            "postings"
        )
        rows = (
            (
                reverse("admin:wallets_journalentry_change", args=[entry.id]),
                entry.id,
                entry.kind,
                ", ".join(f"{p.account_id} {p.amount:+d}" for p in entry.postings.all()),
            )
            for entry in entries.order_by("id")
        )
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a> {}: {}</li>', rows)
        )

    def get_urls(self):
        return [
            path(
                "<str:payment_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="payments_payment_refund",
            ),
            *super().get_urls(),
        ]

    def refund_view(self, request: HttpRequest, payment_id: str) -> HttpResponse:
        """A full or partial refund of one payment, through the refund service."""
        payment = get_object_or_404(Payment, pk=payment_id)
        form = RefundForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                refund = refunds.refund_create(
                    context=staff_context(request),
                    payment_id=payment.id,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
            else:
                self.message_user(request, f"Refunded {refund.amount} ({refund.id}).")
                return HttpResponseRedirect(
                    reverse("admin:payments_payment_change", args=[payment.id])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Refund {payment.id}",
            "form": form,
            "payment": payment,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/refund.html", context)

    @admin.action(description="Capture selected authorizations in full")
    def capture(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda p: payments.payment_capture(context=context, payment_id=p.pk),
            "Captured",
        )

    @admin.action(description="Cancel selected payments")
    def cancel(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda p: payments.payment_cancel(context=context, payment_id=p.pk),
            "Canceled",
        )

    @admin.action(description="Refund selected payments in full")
    def refund_in_full(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda p: refunds.refund_create(context=context, payment_id=p.pk),
            "Refunded",
        )


@admin.register(PaymentMethod)
class PaymentMethodAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "merchant", "customer", "brand", "last4", "created", "detached_at")
    search_fields = ("=id", "last4", "fingerprint")
    ordering = ("-id",)


@admin.register(Refund)
class RefundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "merchant", "payment", "amount", "currency", "status", "created")
    list_filter = ("status",)
    search_fields = ("=id", "=payment__id")
    ordering = ("-id",)


class EvidenceForm(forms.Form):
    evidence = forms.CharField(widget=forms.Textarea)


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "merchant", "payment", "amount", "status", "reason", "created")
    list_filter = ("status", "reason")
    search_fields = ("=id", "=payment__id")
    ordering = ("-id",)
    actions = ("accept",)

    @admin.action(description="Accept selected disputes (close as lost)")
    def accept(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda d: disputes.dispute_accept(context=context, dispute_id=d.pk),
            "Accepted",
        )

    def get_urls(self):
        return [
            path(
                "<str:dispute_id>/evidence/",
                self.admin_site.admin_view(self.evidence_view),
                name="payments_dispute_evidence",
            ),
            *super().get_urls(),
        ]

    def evidence_view(self, request: HttpRequest, dispute_id: str) -> HttpResponse:
        dispute = get_object_or_404(Dispute, pk=dispute_id)
        form = EvidenceForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                disputes.dispute_submit_evidence(
                    context=staff_context(request),
                    dispute_id=dispute.id,
                    evidence={"staff_note": form.cleaned_data["evidence"]},
                )
            except ApplicationError as exc:
                self.message_user(request, exc.message, level=messages.ERROR)
            else:
                self.message_user(request, "Evidence submitted.")
                return HttpResponseRedirect(
                    reverse("admin:payments_dispute_change", args=[dispute.id])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Evidence for {dispute.id}",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/refund.html", context)


@admin.register(MerchantPricing)
class MerchantPricingAdmin(admin.ModelAdmin):
    list_display = ("merchant", "currency", "percent_bps", "fixed_fee", "settlement_delay_seconds")
    list_filter = ("currency",)
