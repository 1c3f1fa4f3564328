"""`emit`: the one way a state change records its event."""

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from mcp_payments.api.logging import request_id_var

from .models import Event
from .representations import object_type_of, represent


class EmitOutsideTransaction(RuntimeError):
    pass


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise EmitOutsideTransaction("emit() must be called inside transaction.atomic()")


def _build(
    type: str,
    obj: models.Model,
    *,
    merchant_id: str | None = None,
    data: dict[str, Any] | None = None,
    previous_attributes: dict[str, Any] | None = None,
) -> Event:
    payload: dict[str, Any] = {"object": data if data is not None else represent(obj)}
    if previous_attributes:
        payload["previous_attributes"] = previous_attributes
    return Event(
        type=type,
        merchant_id=merchant_id if merchant_id is not None else getattr(obj, "merchant_id", None),
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        data=payload,
        request_id=request_id_var.get() or "",
        created=timezone.now(),
    )


def emit(
    type: str,
    obj: models.Model,
    *,
    merchant_id: str | None = None,
    data: dict[str, Any] | None = None,
    previous_attributes: dict[str, Any] | None = None,
) -> Event:
    """Write the event for `obj`'s state change. Building block: the caller's transaction must be
    open, so the event commits (or rolls back) with the change itself."""
    _require_transaction()
    event = _build(
        type, obj, merchant_id=merchant_id, data=data, previous_attributes=previous_attributes
    )
    event.save(force_insert=True)
    return event


def emit_many(changes: list[tuple[str, models.Model]]) -> list[Event]:
    """`emit` for many (type, object) pairs in one INSERT, in order (batch operations)."""
    _require_transaction()
    events = [_build(type, obj) for type, obj in changes]
    return Event.objects.bulk_create(events) if events else []
