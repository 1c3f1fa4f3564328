from django.db.models import QuerySet

from mcp_payments.accounts.context import AuthContext
from mcp_payments.api.errors import NotFound

from .models import Event


def event_list(
    *, context: AuthContext, type: str | None = None, object_id: str | None = None
) -> QuerySet[Event]:
    """The caller's events, newest last by id; `type` exact or a `prefix.*`, `object_id` exact."""
    events = Event.objects.all()
    if context.merchant is not None:
        events = events.filter(merchant=context.merchant)
    elif not context.is_platform_staff:
        return Event.objects.none()
    if object_id:
        events = events.filter(object_id=object_id)
    if type:
        if type.endswith(".*"):
            events = events.filter(type__startswith=type[:-1])
        else:
            events = events.filter(type=type)
    return events


def event_get(*, context: AuthContext, event_id: str) -> Event:
    event = event_list(context=context).filter(pk=event_id).first()
    if event is None:
        raise NotFound(f"No such event: '{event_id}'", param="id")
    return event
