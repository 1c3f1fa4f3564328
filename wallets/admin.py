"""Back office for the ledger: accounts, entries and postings read-only; wallets with
freeze/unfreeze; adjustments requested by one staff member and approved by another."""

from django.contrib import admin

from mcp_payments.accounts.admin import run_admin_action as _run
from mcp_payments.accounts.admin import staff_context

from .models import Adjustment, JournalEntry, LedgerAccount, Payout, Posting, Transfer, Wallet
from .selectors import account_balance
from .services import adjustments, wallets


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ("account", "amount", "currency", "type", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "code", "owner_id", "merchant", "type", "currency", "frozen", "balance")
    list_filter = ("type", "currency", "code", "frozen")
    search_fields = ("id", "owner_id", "merchant__id")
    ordering = ("-id",)
    readonly_fields = ("balance_detail",)

    @admin.display(description="Balance")
    def balance(self, account: LedgerAccount) -> int:
        return account_balance(account).balance

    @admin.display(description="Balance detail")
    def balance_detail(self, account: LedgerAccount) -> str:
        b = account_balance(account)
        return (
            f"balance {b.balance}, available {b.available}; debits posted {b.debits_posted}, "
            f"credits posted {b.credits_posted}, debits pending {b.debits_pending}, "
            f"credits pending {b.credits_pending}"
        )


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "merchant", "reference_id", "created")
    list_filter = ("kind", "created")
    search_fields = ("id", "reference_id")
    ordering = ("-id",)
    inlines = [PostingInline]


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("id", "entry", "account", "amount", "currency", "type", "created")
    list_filter = ("type", "currency")
    search_fields = ("entry__id", "account__id")
    ordering = ("-id",)


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ("id", "merchant", "customer_id", "currency", "status", "available", "created")
    list_filter = ("status", "currency")
    search_fields = ("id", "customer_id", "merchant__id")
    ordering = ("-id",)
    actions = ("freeze", "unfreeze")

    @admin.display(description="Available")
    def available(self, wallet: Wallet) -> int:
        return account_balance(wallet.account).available

    @admin.action(description="Freeze selected wallets")
    def freeze(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda w: wallets.wallet_freeze(context=context, wallet_id=w.pk, reason="admin"),
            "Froze",
        )

    @admin.action(description="Unfreeze selected wallets")
    def unfreeze(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda w: wallets.wallet_unfreeze(context=context, wallet_id=w.pk, reason="admin"),
            "Unfroze",
        )


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("id", "merchant", "amount", "currency", "status", "created")
    list_filter = ("status", "currency")
    search_fields = ("id", "source_wallet__id", "destination_wallet__id")
    ordering = ("-id",)


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("id", "merchant", "wallet", "amount", "currency", "status", "created")
    list_filter = ("status", "currency")
    search_fields = ("id", "wallet__id")
    ordering = ("-id",)


@admin.register(Adjustment)
class AdjustmentAdmin(admin.ModelAdmin):
    """Requesting creates a pending adjustment; a different staff member approves it."""

    list_display = ("id", "wallet", "direction", "amount", "status", "requested_by", "decided_by")
    list_filter = ("status", "direction")
    search_fields = ("id", "wallet__id", "reason")
    fields = ("wallet", "direction", "amount", "reason")
    autocomplete_fields = ()
    actions = ("approve", "reject")
    ordering = ("-id",)

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        created = adjustments.adjustment_request(
            context=staff_context(request),
            wallet=form.cleaned_data["wallet"],
            direction=form.cleaned_data["direction"],
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        )
        obj.__dict__.update(created.__dict__)

    @admin.action(description="Approve selected adjustments (posts them)")
    def approve(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda a: adjustments.adjustment_approve(context=context, adjustment_id=a.pk),
            "Approved",
        )

    @admin.action(description="Reject selected adjustments")
    def reject(self, request, queryset) -> None:
        context = staff_context(request)
        _run(
            self,
            request,
            queryset,
            lambda a: adjustments.adjustment_reject(context=context, adjustment_id=a.pk),
            "Rejected",
        )
