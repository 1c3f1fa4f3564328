"""Back office for merchants, members and keys. Every write goes through the services."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from mcp_payments.api.errors import ApplicationError

from . import services
from .context import AuthContext
from .models import ApiKey, Membership, Merchant
from .scopes import ALL_SCOPES
from .selectors import user_context


def staff_context(request: HttpRequest) -> AuthContext | None:
    return user_context(request.user)


def run_admin_action(modeladmin, request, queryset, action, verb: str) -> None:
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


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "email", "created")
    search_fields = ("id", "name", "email")
    ordering = ("-id",)
    readonly_fields = ("id", "created")


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "merchant", "role")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "merchant", "role", "created")
    list_filter = ("role",)
    search_fields = ("user__username", "merchant__id", "merchant__name")
    autocomplete_fields = ("merchant",)

    def get_readonly_fields(self, request, obj=None):
        return ("user", "merchant") if obj else ()

    def save_model(self, request, obj, form, change) -> None:
        if change and "role" in form.changed_data:
            services.membership_set_role(
                membership=obj, role=form.cleaned_data["role"], context=staff_context(request)
            )
        elif not change:
            super().save_model(request, obj, form, change)


class ApiKeyCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(scope, scope) for scope in ALL_SCOPES], widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = (
            "merchant",
            "name",
            "scopes",
            "max_amount_per_call",
            "approval_above",
            "expires_at",
            "read_only",
        )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("id", "merchant", "name", "mode", "secret_last4", "last_used_at", "revoked_at")
    list_filter = ("mode", "revoked_at")
    search_fields = ("id", "name", "merchant__id", "merchant__name")
    actions = ("revoke_keys",)
    autocomplete_fields = ("merchant",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return [field.name for field in ApiKey._meta.fields]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        data = form.cleaned_data
        created = services.api_key_create(
            merchant=data["merchant"],
            scopes=data["scopes"],
            name=data["name"],
            policy=services.AgentPolicy(
                max_amount_per_call=data.get("max_amount_per_call"),
                approval_above=data.get("approval_above"),
                expires_at=data.get("expires_at"),
                read_only=data.get("read_only", False),
            ),
            context=staff_context(request),
        )
        # The admin keeps using `obj` (logging, redirect): make it the row the service wrote.
        obj.__dict__.update(created.key.__dict__)
        self.message_user(
            request,
            f"Secret key (shown once, copy it now): {created.secret}",
            level=messages.WARNING,
        )

    @admin.action(description="Revoke selected keys")
    def revoke_keys(self, request, queryset) -> None:
        context = staff_context(request)
        revoked = 0
        for key in queryset:
            try:
                services.api_key_revoke(key=key, context=context)
                revoked += 1
            except ApplicationError as exc:
                self.message_user(request, f"{key.id}: {exc.message}", level=messages.ERROR)
        self.message_user(request, f"Revoked {revoked} key(s).")
