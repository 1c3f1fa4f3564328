"""The audit log in the back office: read-only, with a chain check."""

from django.contrib import admin, messages

from mcp_payments.accounts.selectors import user_context
from mcp_payments.api.errors import ApplicationError

from .models import AuditEntry, BlockListEntry, CustomerKyc, RiskModel, RiskReview, RiskRule
from .services import block_list, kyc, rules
from .services.audit import audit_seal_and_verify
from .services.reviews import risk_review_decide


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


@admin.register(RiskReview)
class RiskReviewAdmin(admin.ModelAdmin):
    """The risk review queue: open reviews first; approve or reject through the service."""

    list_display = ("id", "merchant_id", "object_id", "score", "status", "created", "decided_by")
    list_filter = ("status",)
    search_fields = ("=id", "=object_id", "=merchant_id")
    ordering = ("status", "-id")
    actions = ["approve", "reject"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _decide(self, request, queryset, approve: bool) -> None:
        context = user_context(request.user)
        for review in queryset:
            try:
                risk_review_decide(context=context, review_id=review.id, approve=approve)
            except ApplicationError as exc:
                self.message_user(request, f"{review.id}: {exc.message}", messages.ERROR)

    @admin.action(description="Approve selected reviews", permissions=["view"])
    def approve(self, request, queryset) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject selected reviews", permissions=["view"])
    def reject(self, request, queryset) -> None:
        self._decide(request, queryset, approve=False)


def _merchant_context(request, merchant_id: str | None):
    """The admin user's context acting for `merchant_id` (staff name it per object)."""
    return user_context(request.user, merchant_id)


class ServiceWriteAdmin(admin.ModelAdmin):
    """Saves and deletes go through the compliance services (events, audit, validation); a
    refused change is shown as an error and nothing is written."""

    def _call(self, request, fn, **kwargs):
        try:
            return fn(**kwargs)
        except ApplicationError as exc:
            self.message_user(request, f"{exc.code}: {exc.message}", messages.ERROR)
            return None

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(RiskRule)
class RiskRuleAdmin(ServiceWriteAdmin):
    list_display = ("id", "merchant_id", "position", "name", "action", "enabled", "expression")
    list_filter = ("action", "enabled")
    search_fields = ("=id", "=merchant_id", "name")
    ordering = ("merchant_id", "position", "id")
    fields = ("merchant_id", "name", "expression", "action", "position", "enabled")

    def get_readonly_fields(self, request, obj=None):
        return ("merchant_id",) if obj is not None else ()

    def save_model(self, request, obj, form, change) -> None:
        context = _merchant_context(request, obj.merchant_id)
        values = {name: form.cleaned_data[name] for name in rules._FIELDS}
        if change:
            self._call(request, rules.risk_rule_update, context=context, rule_id=obj.pk, **values)
        else:
            saved = self._call(request, rules.risk_rule_create, context=context, **values)
            if saved is not None:
                obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        context = _merchant_context(request, obj.merchant_id)
        self._call(request, rules.risk_rule_delete, context=context, rule_id=obj.pk)


@admin.register(BlockListEntry)
class BlockListEntryAdmin(ServiceWriteAdmin):
    list_display = ("id", "merchant_id", "kind", "value", "reason", "expires_at", "deleted_at")
    list_filter = ("kind",)
    search_fields = ("=id", "=value", "=merchant_id")
    ordering = ("-created",)
    fields = ("merchant_id", "kind", "value", "reason", "expires_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        context = _merchant_context(request, obj.merchant_id or None)
        saved = self._call(
            request,
            block_list.block_list_add,
            context=context,
            kind=obj.kind,
            value=obj.value,
            reason=obj.reason,
            expires_at=obj.expires_at,
        )
        if saved is not None:
            obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        context = _merchant_context(request, obj.merchant_id)
        self._call(request, block_list.block_list_remove, context=context, entry_id=obj.pk)


@admin.register(RiskModel)
class RiskModelAdmin(admin.ModelAdmin):
    """Fraud-model versions with their metrics; "Train a new version" queues the Celery job."""

    list_display = ("version", "status", "source", "metrics", "trained_at")
    ordering = ("-version",)
    exclude = ("artifact",)
    actions = ["train"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(
        description="Train a new version (Celery, compliance queue)", permissions=["view"]
    )
    def train(self, request, queryset) -> None:
        from .tasks import train_risk_model

        train_risk_model.delay()
        self.message_user(request, "Training queued on the compliance queue.", messages.SUCCESS)


@admin.register(CustomerKyc)
class CustomerKycAdmin(ServiceWriteAdmin):
    list_display = ("customer_id", "merchant_id", "status", "updated")
    list_filter = ("status",)
    search_fields = ("=customer_id", "=merchant_id")
    fields = ("customer_id", "merchant_id", "status")

    def get_readonly_fields(self, request, obj=None):
        return ("customer_id", "merchant_id") if obj is not None else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        context = _merchant_context(request, obj.merchant_id)
        self._call(
            request,
            kyc.customer_kyc_set,
            context=context,
            customer_id=obj.customer_id,
            status=obj.status,
        )
