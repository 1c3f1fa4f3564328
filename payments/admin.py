"""Back office for payments: a searchable list that fits a laptop and a phone, a payment page
with its state-aware actions (capture, cancel, refund), timeline, refunds, disputes and ledger
entries, all money with its currency's symbol and exponent. Every write goes through the
services (audited); the action pages run them outside any transaction."""

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from mcp_payments.api.money import format_money
from mcp_payments.backoffice.admin_kit import (
    BackOfficeAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    action_buttons,
    confirm_and_run,
    display,
    money,
    money_column,
    run_admin_action,
    staff_context,
    status_badge,
)
from mcp_payments.events.models import Event
from wallets.admin import entries_table

from .enums import CANCELABLE, PaymentStatus
from .models import Customer, Dispute, MerchantPricing, Payment, PaymentMethod, Refund
from .services import disputes, payments, refunds
from .services.customers import customer_delete

REFUND_REASONS = [
    ("requested_by_customer", "requested by customer"),
    ("duplicate", "duplicate"),
    ("fraudulent", "fraudulent"),
]


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "email", "merchant", "created", "deleted_at")
    list_filter = ("created", "deleted_at")
    search_fields = ("id", "email", "name", "merchant__id")
    ordering = ("-id",)
    actions = ("erase_customers",)

    @admin.action(description="Erase selected customers (redact PII, keep history)")
    def erase_customers(self, request, queryset) -> None:
        context = staff_context(request)
        run_admin_action(
            self,
            request,
            queryset,
            lambda customer: customer_delete(context=context, customer_id=customer.id),
            "Erased",
        )


class AmountRangeFilter(admin.SimpleListFilter):
    """Amount bands in minor units (any currency)."""

    title = "amount (minor units)"
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


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ("id", "amount_money", "status", "reason", "created")

    amount_money = money_column("amount", "Amount")


class DisputeInline(ReadOnlyInline):
    model = Dispute
    fields = ("id", "amount_money", "fee_money", "status", "reason", "created")

    amount_money = money_column("amount", "Amount")
    fee_money = money_column("fee", "Fee")


class RefundForm(forms.Form):
    amount = forms.IntegerField(
        min_value=1,
        required=False,
        help_text="Minor units (1050 = 10.50 in USD); empty refunds all that remains.",
    )
    reason = forms.ChoiceField(choices=REFUND_REASONS)


class CaptureForm(forms.Form):
    amount_to_capture = forms.IntegerField(
        min_value=1,
        required=False,
        help_text="Minor units; empty captures all that is capturable (the rest is released).",
    )


class CancelForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[
            ("requested_by_customer", "requested by customer"),
            ("duplicate", "duplicate"),
            ("fraudulent", "fraudulent"),
            ("abandoned", "abandoned"),
        ]
    )


def refundable(payment: Payment) -> int:
    """Minor units that can still be refunded (0 unless the payment succeeded)."""
    if payment.status != PaymentStatus.SUCCEEDED:
        return 0
    return max(0, payment.amount_received - payment.amount_refunded)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "amount_money",
        "currency_code",
        "status_badge",
        "customer_email",
        "created",
    )
    list_display_links = ("id",)
    list_filter = ("status", "currency", RiskLevelFilter, AmountRangeFilter, "created", "merchant")
    search_fields = ("=id", "customer__email", "payment_method__last4", "=provider_charge_id")
    ordering = ("-id",)
    list_select_related = ("customer", "payment_method")
    inlines = [RefundInline, DisputeInline]
    actions = ("capture", "cancel", "refund_in_full")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("id", "status_badge"),
                    ("amount_money", "amount_received_money"),
                    ("amount_refunded_money", "amount_capturable_money"),
                    ("fee_money", "card"),
                    ("merchant", "customer"),
                    ("created", "captured_at"),
                    "description",
                    "actions_bar",
                )
            },
        ),
        ("Timeline", {"fields": ("timeline",)}),
        ("Ledger entries", {"fields": ("ledger_entries",)}),
    )
    readonly_fields = (
        "status_badge",
        "amount_money",
        "amount_received_money",
        "amount_refunded_money",
        "amount_capturable_money",
        "fee_money",
        "card",
        "actions_bar",
        "timeline",
        "ledger_entries",
    )

    amount_money = money_column("amount", "Amount")
    amount_received_money = money_column("amount_received", "Received")
    amount_refunded_money = money_column("amount_refunded", "Refunded")
    amount_capturable_money = money_column("amount_capturable", "Capturable")
    fee_money = money_column("fee", "Fee")
    status_badge = status_badge()

    @display(description="Currency", ordering="currency")
    def currency_code(self, payment: Payment) -> str:
        return payment.currency.upper()

    @display(description="Customer", ordering="customer__email")
    def customer_email(self, payment: Payment) -> str:
        return payment.customer.email if payment.customer else "—"

    @display(description="Card")
    def card(self, payment: Payment) -> str:
        method = payment.payment_method
        return f"{method.brand} •••• {method.last4}" if method else "—"

    @display(description="Actions")
    def actions_bar(self, payment: Payment) -> str:
        """Only the actions the payment's state allows (no Refund when nothing is left)."""
        buttons = []
        if payment.status == PaymentStatus.REQUIRES_CAPTURE:
            buttons.append(("Capture…", self._url("capture", payment), "primary"))
        if refundable(payment) > 0:
            buttons.append(("Refund…", self._url("refund", payment), "primary"))
        if payment.status in CANCELABLE:
            buttons.append(("Cancel payment…", self._url("cancel", payment), "danger"))
        return action_buttons(buttons)

    @display(description="Timeline")
    def timeline(self, payment: Payment) -> str:
        events = Event.objects.filter(
            Q(object_id=payment.id)
            | Q(object_id__in=list(payment.refunds.values_list("id", flat=True)))
            | Q(object_id__in=list(payment.disputes.values_list("id", flat=True)))
        ).order_by("id")
        return format_html(
            '<ol class="list-decimal pl-5">{}</ol>',
            format_html_join(
                "", "<li>{} — {} ({})</li>", ((e.created, e.type, e.id) for e in events)
            ),
        )

    @display(description="Ledger entries")
    def ledger_entries(self, payment: Payment) -> str:
        references = [payment.id, *payment.refunds.values_list("id", flat=True)]
        references += list(payment.disputes.values_list("id", flat=True))
        return entries_table(reference_ids=references)

    @staticmethod
    def _url(action: str, payment: Payment) -> str:
        return reverse(f"admin:payments_payment_{action}", args=[payment.pk])

    def get_urls(self):
        views = (("refund", self.refund_view), ("capture", self.capture_view))
        views += (("cancel", self.cancel_view),)
        return [
            *(
                path(
                    f"<str:payment_id>/{name}/",
                    self.admin_site.admin_view(view),
                    name=f"payments_payment_{name}",
                )
                for name, view in views
            ),
            *super().get_urls(),
        ]

    def _summary(self, payment: Payment) -> list[tuple[str, str]]:
        return [
            ("Payment", payment.id),
            ("Status", payment.status),
            ("Amount", format_money(payment.amount, payment.currency)),
            ("Received", format_money(payment.amount_received, payment.currency)),
            ("Refunded", format_money(payment.amount_refunded, payment.currency)),
            ("Refundable", format_money(refundable(payment), payment.currency)),
            ("Capturable", format_money(payment.amount_capturable, payment.currency)),
        ]

    def refund_view(self, request: HttpRequest, payment_id: str) -> HttpResponse:
        """A full or partial refund of one payment, through `refund_create`."""
        payment = get_object_or_404(Payment, pk=payment_id)

        def run(data: dict) -> str:
            refund = refunds.refund_create(
                context=staff_context(request),
                payment_id=payment.id,
                amount=data["amount"],
                reason=data["reason"],
            )
            amount = format_money(refund.amount, refund.currency)
            return f"Refund {refund.id} of {amount}: {refund.status}."

        return confirm_and_run(
            self,
            request,
            obj=payment,
            title=f"Refund {payment.id}",
            form_class=RefundForm,
            run=run,
            summary=self._summary(payment),
            submit_label="Refund",
            danger=True,
        )

    def capture_view(self, request: HttpRequest, payment_id: str) -> HttpResponse:
        """Capture an authorization fully or partly, through `payment_capture`."""
        payment = get_object_or_404(Payment, pk=payment_id)

        def run(data: dict) -> str:
            captured = payments.payment_capture(
                context=staff_context(request),
                payment_id=payment.id,
                amount_to_capture=data["amount_to_capture"],
            )
            amount = format_money(captured.amount_received, captured.currency)
            return f"Captured {amount} of {captured.id}."

        return confirm_and_run(
            self,
            request,
            obj=payment,
            title=f"Capture {payment.id}",
            form_class=CaptureForm,
            run=run,
            summary=self._summary(payment),
            submit_label="Capture",
        )

    def cancel_view(self, request: HttpRequest, payment_id: str) -> HttpResponse:
        """Cancel before capture (voids an authorization), through `payment_cancel`."""
        payment = get_object_or_404(Payment, pk=payment_id)

        def run(data: dict) -> str:
            canceled = payments.payment_cancel(
                context=staff_context(request), payment_id=payment.id, reason=data["reason"]
            )
            return f"Canceled {canceled.id}."

        return confirm_and_run(
            self,
            request,
            obj=payment,
            title=f"Cancel {payment.id}",
            form_class=CancelForm,
            run=run,
            summary=self._summary(payment),
            submit_label="Cancel payment",
            danger=True,
        )

    @admin.action(description="Capture selected authorizations in full")
    def capture(self, request, queryset) -> None:
        context = staff_context(request)
        run_admin_action(
            self,
            request,
            queryset,
            lambda p: payments.payment_capture(context=context, payment_id=p.pk),
            "Captured",
        )

    @admin.action(description="Cancel selected payments")
    def cancel(self, request, queryset) -> None:
        context = staff_context(request)
        run_admin_action(
            self,
            request,
            queryset,
            lambda p: payments.payment_cancel(context=context, payment_id=p.pk),
            "Canceled",
        )

    @admin.action(description="Refund selected payments in full")
    def refund_in_full(self, request, queryset) -> None:
        context = staff_context(request)
        run_admin_action(
            self,
            request,
            queryset,
            lambda p: refunds.refund_create(context=context, payment_id=p.pk),
            "Refunded",
        )


@admin.register(PaymentMethod)
class PaymentMethodAdmin(ReadOnlyAdmin):
    list_display = ("id", "brand", "last4", "customer", "created", "detached_at")
    search_fields = ("=id", "last4", "fingerprint")
    ordering = ("-id",)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("id", "amount_money", "currency_code", "status_badge", "payment", "created")
    list_filter = ("status", "currency")
    search_fields = ("=id", "=payment__id")
    ordering = ("-id",)

    amount_money = money_column("amount", "Amount")
    status_badge = status_badge()

    @display(description="Currency", ordering="currency")
    def currency_code(self, refund: Refund) -> str:
        return refund.currency.upper()


class EvidenceForm(forms.Form):
    evidence = forms.CharField(widget=forms.Textarea)


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ("id", "amount_money", "status_badge", "reason", "payment", "created")
    list_filter = ("status", "reason")
    search_fields = ("=id", "=payment__id")
    ordering = ("-id",)
    actions = ("accept",)
    readonly_fields = ("amount_money", "status_badge", "evidence_link")

    amount_money = money_column("amount", "Amount")
    status_badge = status_badge()

    @display(description="Evidence")
    def evidence_link(self, dispute: Dispute) -> str:
        url = reverse("admin:payments_dispute_evidence", args=[dispute.pk])
        return action_buttons([("Submit evidence…", url, "default")])

    @admin.action(description="Accept selected disputes (close as lost)")
    def accept(self, request, queryset) -> None:
        context = staff_context(request)
        run_admin_action(
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
        """Evidence for a dispute, through `dispute_submit_evidence`."""
        dispute = get_object_or_404(Dispute, pk=dispute_id)

        def run(data: dict) -> str:
            disputes.dispute_submit_evidence(
                context=staff_context(request),
                dispute_id=dispute.id,
                evidence={"staff_note": data["evidence"]},
            )
            return "Evidence submitted."

        return confirm_and_run(
            self,
            request,
            obj=dispute,
            title=f"Evidence for {dispute.id}",
            form_class=EvidenceForm,
            run=run,
            summary=[
                ("Dispute", dispute.id),
                ("Amount", money(dispute.amount, dispute.currency)),
                ("Status", dispute.status),
            ],
            submit_label="Submit evidence",
        )


@admin.register(MerchantPricing)
class MerchantPricingAdmin(BackOfficeAdmin):
    list_display = ("merchant", "currency", "percent_bps", "fixed_fee", "settlement_delay_seconds")
    list_filter = ("currency",)
