from django.contrib import admin

from .models import DailyCounter


@admin.register(DailyCounter)
class DailyCounterAdmin(admin.ModelAdmin):
    list_display = ("merchant_id", "day", "metric", "currency", "value")
    list_filter = ("metric", "day")
    search_fields = ("=merchant_id",)
    ordering = ("-day", "merchant_id", "metric")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
