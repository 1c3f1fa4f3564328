from django.contrib import admin, messages

from mcp_payments.backoffice.admin_kit import BackOfficeAdmin, ReadOnlyAdmin

from .dead_letters import dead_letter_replay
from .models import DeadLetter, Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "merchant", "object_id", "created", "published_at")
    list_filter = ("type", "created")
    search_fields = ("id", "object_id", "request_id")
    ordering = ("-id",)


@admin.register(DeadLetter)
class DeadLetterAdmin(BackOfficeAdmin):
    """Dead letters of the subscriber queues; replay republishes to the main queue."""

    list_display = (
        "id",
        "queue",
        "event_type",
        "event_id",
        "subscriber",
        "attempts",
        "created",
        "replayed_at",
    )
    list_filter = ("queue", ("replayed_at", admin.EmptyFieldListFilter), "event_type")
    search_fields = ("=id", "=event_id", "subscriber")
    ordering = ("-id",)
    readonly_fields = [field.name for field in DeadLetter._meta.fields]
    actions = ["replay"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Replay the selected dead letters", permissions=["change"])
    def replay(self, request, queryset) -> None:
        ids = list(queryset.filter(replayed_at=None).values_list("id", flat=True))
        if not ids:
            self.message_user(request, "No pending dead letter selected.", messages.WARNING)
            return
        replayed = dead_letter_replay(ids=ids)
        self.message_user(request, f"Replayed {len(replayed)} dead letters.", messages.SUCCESS)
