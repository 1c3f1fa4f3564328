from django.contrib import admin, messages

from mcp_payments.accounts.admin import staff_context
from mcp_payments.api.errors import ApplicationError

from .models import Customer
from .services.customers import customer_delete


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("id", "merchant", "name", "email", "created", "deleted_at")
    list_filter = ("created", "deleted_at")
    search_fields = ("id", "email", "name", "merchant__id")
    ordering = ("-id",)
    actions = ("erase_customers",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Customer._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

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
