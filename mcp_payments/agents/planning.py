"""Planning mode: a dry run (`dry_run: true`) plans a money movement with the same code the real
call uses, and never leaves the process (API.md §7, docs/mcp.md "Dry runs").

While `planning()` is active, the payment provider is replaced by a predictor (the sandbox
predicts its test cards' outcomes from the token alone; any other provider's outcome is
`"unknown"`), and building blocks that write outside the database (risk velocity counters in
Redis) only read. What the provider would have answered is collected for the dry run's answer.
The database work of the plan is rolled back by the caller.
"""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.db import transaction

_planning: ContextVar[list[dict[str, Any]] | None] = ContextVar("planning", default=None)


def is_planning() -> bool:
    """True inside `planning()`: no provider call, no outbound request, no Redis write."""
    return _planning.get() is not None


def plan_note(**prediction: Any) -> None:
    """Record what an outside system would have answered (e.g. the provider's outcome)."""
    notes = _planning.get()
    if notes is not None:
        notes.append(prediction)


@contextlib.contextmanager
def planning() -> Iterator[list[dict[str, Any]]]:
    """Run the block in planning mode; yields the predictions it noted."""
    notes: list[dict[str, Any]] = []
    token = _planning.set(notes)
    try:
        yield notes
    finally:
        _planning.reset(token)


def service_transaction() -> transaction.Atomic:
    """The transaction a public write service opens: `transaction.atomic(durable=True)`, so a
    service called inside another transaction raises RuntimeError instead of silently joining
    it (its "record intent, call the provider, book the outcome" commits would collapse into the
    caller's, and a lock would be held across the provider call). Services that call each other
    use the callee's non-durable `_impl`.

    One exception: in planning mode a dry run plans the real service inside the transaction it
    then rolls back, so there the block is an ordinary (nested) atomic block."""
    return transaction.atomic(durable=not is_planning())
