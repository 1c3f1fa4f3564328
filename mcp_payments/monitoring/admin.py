from django.contrib import admin

from mcp_payments.backoffice.admin_kit import BackOfficeAdmin

from .models import SystemAlert


@admin.register(SystemAlert)
class SystemAlertAdmin(BackOfficeAdmin):
    list_display = ("id", "created", "kind", "severity", "subject", "message")
    list_filter = ("kind", "severity")
    search_fields = ("=id", "subject")
    ordering = ("-id",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
