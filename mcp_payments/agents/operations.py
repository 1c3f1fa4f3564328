"""The operation registry: how an approved call runs again (API.md §7, docs/api.md).

Each app registers its money-moving operations (`register_operation("create_transfer", fn)`)
from its `AppConfig.ready`, so the kernel (`mcp_payments.agents`) imports no domain app. An
executor gets the context of the caller that asked (with `approval_id` set, which lifts
`approval_above`) and the call's stored arguments (the tool's argument shape: the REST body
plus the URL's ids), runs the service and returns `(HTTP status, API representation)`;
it raises `ApplicationError` on refusal.
"""

from collections.abc import Callable
from typing import Any

from mcp_payments.accounts.context import AuthContext

Executor = Callable[[AuthContext, dict[str, Any]], tuple[int, dict[str, Any]]]
_OPERATIONS: dict[str, Executor] = {}


def register_operation(name: str, executor: Executor) -> None:
    """Register (or replace, for reloads) the executor of the operation `name`."""
    _OPERATIONS[name] = executor


def operation_executor(name: str) -> Executor:
    """The executor of `name`; KeyError when no app registered it."""
    return _OPERATIONS[name]


def registered_operations() -> list[str]:
    return sorted(_OPERATIONS)
