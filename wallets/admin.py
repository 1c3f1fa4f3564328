"""Back office for the ledger: accounts, entries (with their postings and amounts) and postings
read-only; wallets with freeze/unfreeze; adjustments requested by one staff member and approved
by another. Money is shown with its currency's symbol and exponent."""

from collections.abc import Iterable

from django.contrib import admin
from django.contrib.admin.options import csrf_protect_m
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from mcp_payments.backoffice.admin_kit import (
    LINE_BREAK,
    BackOfficeAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    display,
    money,
    money_column,
    run_admin_action,
    staff_context,
    status_badge,
)

from .models import Adjustment, JournalEntry, LedgerAccount, Payout, Posting, Transfer, Wallet
from .selectors import account_balance
from .services import adjustments, wallets


def entry_total(entry: JournalEntry) -> str:
    """What an entry moved: the sum of its debits per currency (equal to its credits)."""
    totals: dict[str, int] = {}
    for posting in entry.postings.all():
        if posting.amount > 0:
            totals[posting.currency] = totals.get(posting.currency, 0) + posting.amount
    return format_html_join(" ", "{}", ((money(a, c),) for c, a in sorted(totals.items())))


def postings_list(entry: JournalEntry) -> str:
    """`account code  ±amount  type` per posting (debits positive, credits negative)."""
    return format_html_join(
        LINE_BREAK,
        "{} {} <span class='text-base-500'>{}</span>",
        (
            (posting.account.code, money(posting.amount, posting.currency), posting.type)
            for posting in entry.postings.all()
        ),
    )


def _with_postings(entries) -> Iterable[JournalEntry]:
    postings = Posting.objects.select_related("account").order_by("id")
    return entries.prefetch_related(Prefetch("postings", queryset=postings))


def entries_table(*, reference_ids: list[str]) -> str:
    """The journal entries referencing these objects, each with a link, its kind, its total and
    its postings (for the pages of payments, refunds, transfers, ...)."""
    entries = _with_postings(JournalEntry.objects.filter(reference_id__in=reference_ids))
    rows = (
        (
            reverse("admin:wallets_journalentry_change", args=[entry.id]),
            entry.id,
            entry.kind,
            entry_total(entry),
            postings_list(entry),
        )
        for entry in entries.order_by("id")
    )
    body = format_html_join(
        "",
        '<tr class="border-t border-base-200 dark:border-base-800 align-top">'
        '<td class="py-1 pr-4"><a class="text-primary-600" href="{}">{}</a><br>{}</td>'
        '<td class="py-1 pr-4">{}</td><td class="py-1">{}</td></tr>',
        rows,
    )
    if not body:
        return "—"
    return format_html(
        '<table class="ledger-entries text-sm"><thead><tr><th class="text-left pr-4">Entry</th>'
        '<th class="text-left pr-4">Amount</th><th class="text-left">Postings</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        body,
    )


class PostingInline(ReadOnlyInline):
    model = Posting
    fields = ("account", "type", "amount_money", "created")
    show_change_link = False

    amount_money = money_column("amount", "Amount")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account")


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "code", "type", "currency", "balance", "frozen", "owner_id")
    list_filter = ("type", "currency", "code", "frozen")
    search_fields = ("id", "owner_id", "merchant__id")
    ordering = ("-id",)
    readonly_fields = ("balance_detail",)

    @display(description="Balance")
    def balance(self, account: LedgerAccount) -> str:
        return money(account_balance(account).balance, account.currency)

    @display(description="Balance detail")
    def balance_detail(self, account: LedgerAccount) -> str:
        b = account_balance(account)
        c = account.currency
        return format_html(
            "balance {}, available {}; debits posted {}, credits posted {}, "
            "debits pending {}, credits pending {}",
            money(b.balance, c),
            money(b.available, c),
            money(b.debits_posted, c),
            money(b.credits_posted, c),
            money(b.debits_pending, c),
            money(b.credits_pending, c),
        )


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "total", "postings_summary", "reference_id", "created")
    list_filter = ("kind", "created")
    search_fields = ("id", "reference_id")
    ordering = ("-id",)
    inlines = [PostingInline]
    readonly_fields = ("total",)

    def get_queryset(self, request):
        return _with_postings(super().get_queryset(request))

    @display(description="Amount")
    def total(self, entry: JournalEntry) -> str:
        return entry_total(entry)

    @display(description="Postings")
    def postings_summary(self, entry: JournalEntry) -> str:
        return postings_list(entry)


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("id", "entry", "account", "type", "amount_money", "created")
    list_filter = ("type", "currency")
    search_fields = ("entry__id", "account__id")
    ordering = ("-id",)
    list_select_related = ("entry", "account")

    amount_money = money_column("amount", "Amount")


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ("id", "available", "currency", "status_badge", "customer_id", "created")
    list_filter = ("status", "currency")
    search_fields = ("id", "customer_id", "merchant__id")
    ordering = ("-id",)
    actions = ("freeze", "unfreeze")
    list_select_related = ("account",)

    status_badge = status_badge()

    @display(description="Available")
    def available(self, wallet: Wallet) -> str:
        return money(account_balance(wallet.account).available, wallet.currency)

    @admin.action(description="Freeze selected wallets")
    def freeze(self, request, queryset) -> None:
        context = staff_context(request)
        run_admin_action(
            self,
            request,
            queryset,
            lambda w: wallets.wallet_freeze(context=context, wallet_id=w.pk, reason="admin"),
            "Froze",
        )

    @admin.action(description="Unfreeze selected wallets")
    def unfreeze(self, request, queryset) -> None:
        context = staff_context(request)
        run_admin_action(
            self,
            request,
            queryset,
            lambda w: wallets.wallet_unfreeze(context=context, wallet_id=w.pk, reason="admin"),
            "Unfroze",
        )


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("id", "amount_money", "currency", "status_badge", "created")
    list_filter = ("status", "currency")
    search_fields = ("id", "source_wallet__id", "destination_wallet__id")
    ordering = ("-id",)

    amount_money = money_column("amount", "Amount")
    status_badge = status_badge()


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("id", "amount_money", "currency", "status_badge", "wallet", "created")
    list_filter = ("status", "currency")
    search_fields = ("id", "wallet__id")
    ordering = ("-id",)

    amount_money = money_column("amount", "Amount")
    status_badge = status_badge()


@admin.register(Adjustment)
class AdjustmentAdmin(BackOfficeAdmin):
    """Requesting creates a pending adjustment; a different staff member approves it."""

    list_display = (
        "id",
        "wallet",
        "direction",
        "amount_money",
        "status_badge",
        "requested_by",
        "decided_by",
    )
    list_filter = ("status", "direction")
    search_fields = ("id", "wallet__id", "reason")
    fields = ("wallet", "direction", "amount", "reason")
    actions = ("approve", "reject")
    ordering = ("-id",)
    list_select_related = ("wallet", "requested_by", "decided_by")

    status_badge = status_badge()

    @display(description="Amount", ordering="amount")
    def amount_money(self, adjustment: Adjustment) -> str:
        return money(adjustment.amount, adjustment.wallet.currency)

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @csrf_protect_m
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The admin's form without the admin's own transaction around it: the adjustment is
        written by `adjustment_request`, whose transaction is durable (a service never runs
        inside another one). An adjustment has no inlines to save alongside it."""
        return self._changeform_view(request, object_id, form_url, extra_context)

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
        run_admin_action(
            self,
            request,
            queryset,
            lambda a: adjustments.adjustment_approve(context=context, adjustment_id=a.pk),
            "Approved",
        )

    @admin.action(description="Reject selected adjustments")
    def reject(self, request, queryset) -> None:
        context = staff_context(request)
        run_admin_action(
            self,
            request,
            queryset,
            lambda a: adjustments.adjustment_reject(context=context, adjustment_id=a.pk),
            "Rejected",
        )
