from django.contrib import admin

from mcp_payments.backoffice.admin_kit import ReadOnlyAdmin

from .models import DailyCounter


@admin.register(DailyCounter)
class DailyCounterAdmin(ReadOnlyAdmin):
    list_display = ("merchant_id", "day", "metric", "currency", "value")
    list_filter = ("metric", "day")
    search_fields = ("=merchant_id",)
    ordering = ("-day", "merchant_id", "metric")
