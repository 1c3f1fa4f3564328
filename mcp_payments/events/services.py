"""`emit`: the one way a state change records its event."""

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from mcp_payments.api.logging import request_id_var

from .models import Event
from .representations import object_type_of, represent


class EmitOutsideTransaction(RuntimeError):
    pass


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
    if not transaction.get_connection().in_atomic_block:
        raise EmitOutsideTransaction("emit() must be called inside transaction.atomic()")
    payload: dict[str, Any] = {"object": data if data is not None else represent(obj)}
    if previous_attributes:
        payload["previous_attributes"] = previous_attributes
    return Event.objects.create(
        type=type,
        merchant_id=merchant_id if merchant_id is not None else getattr(obj, "merchant_id", None),
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        data=payload,
        request_id=request_id_var.get() or "",
        created=timezone.now(),
    )
