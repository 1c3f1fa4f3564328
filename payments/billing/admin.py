"""Back office for billing (BILLING.md §8): catalog, subscriptions with their timeline, invoices
with lines (finalize, void, mark uncollectible, pay out of band), coupons, per-merchant dunning
settings, test clocks with Advance actions. Every action goes through the services (audited)."""

from datetime import timedelta

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from mcp_payments.accounts.admin import run_admin_action as _run
from mcp_payments.accounts.admin import staff_context
from mcp_payments.events.models import Event

from .models import (
    Coupon,
    DunningSettings,
    Invoice,
    InvoiceLine,
    Price,
    Product,
    Subscription,
    SubscriptionItem,
    TestClock,
)
from .periods import add_months
from .services import catalog, invoices, subscriptions, test_clocks


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PriceInline(ReadOnly, admin.TabularInline):
    model = Price
    fields = ("id", "currency", "unit_amount", "interval", "interval_count", "active")
    readonly_fields = fields
    extra = 0


@admin.register(Product)
class ProductAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("id", "merchant", "name", "active", "default_price", "created")
    list_filter = ("active",)
    search_fields = ("id", "name", "merchant__id")
    ordering = ("-id",)
    inlines = (PriceInline,)
    actions = ("archive",)

    @admin.action(description="Archive selected products (active: false)")
    def archive(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda p: catalog.product_update(context=context, product_id=p.id, active=False),
            "Archived",
        )


@admin.register(Price)
class PriceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("id", "product", "currency", "unit_amount", "interval", "active", "created")
    list_filter = ("active", "currency", "interval")
    search_fields = ("id", "product__id", "lookup_key")
    ordering = ("-id",)
    actions = ("archive",)

    @admin.action(description="Archive selected prices (active: false)")
    def archive(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda p: catalog.price_update(context=context, price_id=p.id, active=False),
            "Archived",
        )


class ItemInline(ReadOnly, admin.TabularInline):
    model = SubscriptionItem
    fields = ("id", "price", "quantity", "created")
    readonly_fields = fields
    extra = 0


def _timeline(object_id: str):
    events = Event.objects.filter(object_id=object_id).order_by("sequence")[:200]
    return format_html_join(
        "",
        "<div>{} · <b>{}</b></div>",
        ((event.created.strftime("%Y-%m-%d %H:%M:%S"), event.type) for event in events),
    )


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("id", "merchant", "customer", "status", "current_period_end", "test_clock")
    list_filter = ("status", "collection_method", "interval")
    search_fields = ("id", "customer__id", "merchant__id")
    ordering = ("-id",)
    inlines = (ItemInline,)
    readonly_fields = ("timeline", "invoice_list")
    actions = ("cancel_now", "cancel_at_period_end")

    @admin.display(description="Timeline (events)")
    def timeline(self, obj: Subscription):
        return _timeline(obj.id)

    @admin.display(description="Invoices")
    def invoice_list(self, obj: Subscription):
        rows = Invoice.objects.filter(subscription=obj).order_by("-id")[:50]
        return format_html_join(
            "",
            "<div>{} {} {} {} {}</div>",
            ((i.id, i.number or "-", i.status, i.total, i.currency) for i in rows),
        )

    @admin.action(description="Cancel selected subscriptions now")
    def cancel_now(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda s: subscriptions.subscription_cancel(context=context, subscription_id=s.id),
            "Canceled",
        )

    @admin.action(description="Cancel selected subscriptions at period end")
    def cancel_at_period_end(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda s: subscriptions.subscription_cancel(
                context=context, subscription_id=s.id, at_period_end=True
            ),
            "Scheduled cancellation of",
        )


class LineInline(ReadOnly, admin.TabularInline):
    model = InvoiceLine
    fields = ("id", "type", "description", "quantity", "amount", "discount_amount", "proration")
    readonly_fields = fields
    extra = 0


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("id", "number", "merchant", "customer", "status", "total", "currency")
    list_filter = ("status", "billing_reason", "collection_method")
    search_fields = ("id", "number", "customer__id", "subscription__id", "merchant__id")
    ordering = ("-id",)
    inlines = (LineInline,)
    readonly_fields = ("timeline",)
    actions = ("finalize", "void", "mark_uncollectible", "pay_out_of_band")

    @admin.display(description="Timeline (events)")
    def timeline(self, obj: Invoice):
        return format_html("{}", _timeline(obj.id))

    def _apply(self, request, queryset, service, verb: str, **extra) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda i: service(context=context, invoice_id=i.id, **extra),
            verb,
        )

    @admin.action(description="Finalize selected draft invoices")
    def finalize(self, request, queryset) -> None:
        self._apply(request, queryset, invoices.invoice_finalize, "Finalized")

    @admin.action(description="Void selected invoices")
    def void(self, request, queryset) -> None:
        self._apply(request, queryset, invoices.invoice_void, "Voided")

    @admin.action(description="Mark selected invoices uncollectible")
    def mark_uncollectible(self, request, queryset) -> None:
        self._apply(request, queryset, invoices.invoice_mark_uncollectible, "Wrote off")

    @admin.action(description="Mark selected invoices paid out of band")
    def pay_out_of_band(self, request, queryset) -> None:
        self._apply(request, queryset, invoices.invoice_pay, "Paid", paid_out_of_band=True)


@admin.register(Coupon)
class CouponAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("id", "code", "merchant", "percent_off_bps", "amount_off", "duration")
    list_filter = ("duration", "deleted")
    search_fields = ("id", "code", "merchant__id")
    ordering = ("-id",)
    actions = ("delete_coupons",)

    @admin.action(description="Delete selected coupons (no new redemptions)")
    def delete_coupons(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda c: catalog.coupon_delete(context=context, coupon_id=c.id),
            "Deleted",
        )


@admin.register(DunningSettings)
class DunningSettingsAdmin(admin.ModelAdmin):
    list_display = ("merchant", "retry_days", "subscription_action", "invoice_action")
    search_fields = ("merchant__id",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        saved = catalog.dunning_settings_set(
            context=staff_context(request),
            merchant_id=obj.merchant_id,
            retry_days=[int(day) for day in obj.retry_days],
            subscription_action=obj.subscription_action,
            invoice_action=obj.invoice_action,
        )
        obj.pk = saved.pk


@admin.register(TestClock)
class TestClockAdmin(ReadOnly, admin.ModelAdmin):
    __test__ = False
    list_display = ("id", "merchant", "name", "frozen_time", "status", "advancing_to")
    list_filter = ("status",)
    search_fields = ("id", "name", "merchant__id")
    ordering = ("-id",)
    actions = ("advance_day", "advance_month")

    def _advance(self, request, queryset, step, verb: str) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda c: test_clocks.test_clock_advance(
                context=context, clock_id=c.id, frozen_time=step(c.frozen_time)
            ),
            verb,
        )

    @admin.action(description="Advance selected clocks by one day")
    def advance_day(self, request, queryset) -> None:
        self._advance(request, queryset, lambda t: t + timedelta(days=1), "Advancing")

    @admin.action(description="Advance selected clocks by one month")
    def advance_month(self, request, queryset) -> None:
        self._advance(request, queryset, lambda t: add_months(t, 1), "Advancing")
