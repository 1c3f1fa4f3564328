"""Back office for merchants, members and keys. Every write goes through the services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from mcp_payments.backoffice.admin_kit import (
    BackOfficeAdmin,
    run_admin_action,
    staff_context,
)

from . import services
from .exceptions import LastAdmin
from .models import ApiKey, Membership, Merchant, Role
from .scopes import ALL_SCOPES
from .selectors import is_last_admin

User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, BackOfficeAdmin):
    """Staff and dashboard users (platform staff: `is_staff`; see docs/deployment.md)."""

    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ("username", "email", "is_staff", "is_superuser", "is_active", "last_login")


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin, BackOfficeAdmin):
    """Staff roles: groups of permissions given to staff users."""


@admin.register(Merchant)
class MerchantAdmin(BackOfficeAdmin):
    list_display = ("id", "name", "email", "created")
    search_fields = ("id", "name", "email")
    ordering = ("-id",)
    readonly_fields = ("id", "created")


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "merchant", "role")

    def clean(self):
        cleaned = super().clean()
        # The early, friendly form of the service's rule (which it enforces again under a lock).
        role = cleaned.get("role")
        if self.instance.pk and role and role != Role.ADMIN and is_last_admin(self.instance):
            self.add_error("role", LastAdmin.message)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(BackOfficeAdmin):
    """Members of merchants. Adding, changing a role and removing go through the accounts
    services (audited; the last admin is kept); removal is an action, since it also deactivates
    the user."""

    form = MembershipForm
    list_display = ("user", "merchant", "role", "created")
    list_filter = ("role",)
    search_fields = ("user__username", "merchant__id", "merchant__name")
    autocomplete_fields = ("merchant",)
    actions = ("remove_members",)

    def get_readonly_fields(self, request, obj=None):
        return ("user", "merchant") if obj else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if not change:
            created = services.membership_add(
                user=data["user"],
                merchant=data["merchant"],
                role=data["role"],
                context=staff_context(request),
            )
            obj.pk = created.pk
        elif "role" in form.changed_data:
            services.membership_set_role(
                membership=obj, role=data["role"], context=staff_context(request)
            )

    @admin.action(description="Remove the selected members (deactivates their users)")
    def remove_members(self, request, queryset):
        context = staff_context(request)
        run_admin_action(
            self,
            request,
            queryset,
            lambda membership: services.member_remove(membership=membership, context=context),
            "Removed",
        )


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
class ApiKeyAdmin(BackOfficeAdmin):
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
        run_admin_action(
            self,
            request,
            queryset,
            lambda key: services.api_key_revoke(key=key, context=context),
            "Revoked",
        )
