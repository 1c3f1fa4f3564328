"""`emit`: the one way a state change records its event."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from mcp_payments.api.idempotency import idempotency_effect
from mcp_payments.api.logging import request_id_var
from mcp_payments.tracing import current_traceparent

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
        traceparent=current_traceparent(),
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
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_EVENT,
            [
                event.id,
                event.type,
                event.merchant_id,
                event.object_type,
                event.object_id,
                json.dumps(event.data, cls=DjangoJSONEncoder),
                event.request_id,
                event.traceparent,
                event.created,
            ],
        )
        (event.sequence,) = cursor.fetchone()
    event._state.adding = False
    idempotency_effect(object_type=event.object_type, object_id=event.object_id)
    return event


# The row of `emit` in one statement without the ORM's insert compilation: 305 -> 170 us of CPU
# per emit in-process (100 per transaction), and every state change pays it. `sequence` takes its
# default and comes back for the caller.
_INSERT_EVENT = """
    INSERT INTO events_event
        (id, type, merchant_id, object_type, object_id, data, request_id, traceparent, created)
    VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s)
    RETURNING sequence
"""


# One statement for a batch: the rows travel as one JSON array (Django's bulk_create compiles every
# field of every row in Python, which dominated large batches). `sequence` takes its default.
_INSERT_EVENTS = """
    INSERT INTO events_event
        (id, type, merchant_id, object_type, object_id, data, request_id, traceparent, created)
    SELECT id, type, merchant_id, object_type, object_id, data, request_id, traceparent, created
    FROM jsonb_to_recordset(%s::jsonb) AS x(
        id text, type text, merchant_id text, object_type text, object_id text, data jsonb,
        request_id text, traceparent text, created timestamptz)
"""


def emit_many(changes: list[tuple[str, models.Model]]) -> list[Event]:
    """`emit` for many (type, object) pairs in one INSERT, in order (batch operations). An object
    named twice is represented once (both changes happen in the same state)."""
    _require_transaction()
    if not changes:
        return []
    representations: dict[int, dict[str, Any]] = {}
    events = []
    for type, obj in changes:
        data = representations.get(id(obj))
        if data is None:
            data = representations[id(obj)] = represent(obj)
        events.append(_build(type, obj, data=data))
    rows = [
        {
            "id": event.id,
            "type": event.type,
            "merchant_id": event.merchant_id,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "data": event.data,
            "request_id": event.request_id,
            "traceparent": event.traceparent,
            "created": event.created.isoformat(),
        }
        for event in events
    ]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_EVENTS, [json.dumps(rows, cls=DjangoJSONEncoder)])
    for event in events:
        event._state.adding = False
    idempotency_effect(object_type=events[0].object_type, object_id=events[0].object_id)
    return events
