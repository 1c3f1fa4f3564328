"""One tool call, from raw arguments to its outcome: the same path for HTTP, stdio and approved
calls. Synchronous (Django ORM); the transports run it in a worker thread.

    authorize (scopes, agent policy)       agents.services.policy.tool_authorize
    validate (the REST input serializer)   → parameter_* errors with `param`
    read tools:  the selector, rendered (PII redacted without customers:read)
    write tools: idempotency (given or derived key, mcp_payments.api.idempotency); the service
                 runs with no outer transaction (it owns its own)
    money tools: the service enforces the agent policy itself (mcp_payments.agents.enforcement);
                 above approval_above it raises ApprovalRequired and the call becomes a
                 pending approval that owns the idempotency record; dry run
    audit        one `mcp.tool_called` row, in its own transaction, for every call
"""

import logging
import time
import uuid
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any, Literal

from django.db import transaction
from rest_framework.exceptions import ValidationError

from mcp_payments.accounts.context import AuthContext
from mcp_payments.agents.enforcement import policy_verdict
from mcp_payments.agents.exceptions import ApprovalRequired
from mcp_payments.agents.models import AgentApproval, ApprovalStatus
from mcp_payments.agents.operations import register_operation
from mcp_payments.agents.services import approvals, policy
from mcp_payments.api.errors import (
    ApplicationError,
    InvalidRequest,
    application_error_body,
    error_body,
    validation_error_body,
)
from mcp_payments.api.hygiene import refuse_non_text_json, storable
from mcp_payments.api.idempotency import (
    Claimed,
    Replay,
    canonical_json,
    current_record,
    derived_idempotency_key,
    idempotency_begin,
    idempotency_complete,
    idempotency_release,
    request_fingerprint,
    should_store,
)
from mcp_payments.api.logging import interface_var, request_id_var
from mcp_payments.api.pagination import paginate
from mcp_payments.api.serializers import validated
from mcp_payments.audit.records import audit_record

from . import registry
from .dry_run import simulate
from .redaction import redact_arguments, redact_customer_pii
from .registry import DRY_RUN, IDEMPOTENCY_KEY, Effect, ToolCall, ToolSpec

logger = logging.getLogger(__name__)

Status = Literal["ok", "error", "pending_approval", "dry_run"]


@dataclass
class ToolOutcome:
    """What the caller gets: `body` is the structured result, or the error envelope."""

    status: Status
    body: dict[str, Any]
    replayed: bool = False
    audit: dict[str, Any] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.status == "error"

    @property
    def error_code(self) -> str | None:
        return self.body["error"]["code"] if self.is_error else None


class UnknownTool(InvalidRequest):
    code = "unknown_tool"


class ReplayedError(Exception):
    """A stored error response replayed for an idempotent retry."""

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body["error"]["message"])
        self.body = body


def fingerprint(tool: str, arguments: dict[str, Any]) -> str:
    return request_fingerprint("TOOL", tool, canonical_json(arguments).encode())


def _validate(spec: ToolSpec, arguments: dict[str, Any]) -> dict[str, Any]:
    return validated(spec.input, arguments)


def _read(call: ToolCall, spec: ToolSpec, data: dict[str, Any]) -> dict[str, Any]:
    if spec.is_list:
        page = registry.list_page_params(data)
        queryset = spec.fn(call, data)
        body = paginate(SimpleNamespace(query_params=page), queryset, spec.output)
        body = {**body, "data": list(body["data"])}
    else:
        body = spec.render(spec.fn(call, data))
    return body if call.context.has_scope("customers:read") else redact_customer_pii(body)


PENDING_STATUS = 202  # an approval's pending answer in the idempotency store


def _run(call: ToolCall, spec: ToolSpec, data: dict[str, Any]) -> dict[str, Any]:
    """The tool's service, rendered. No outer transaction: a money service records its intent,
    calls the provider and books the outcome in transactions of its own, and enforces the
    caller's agent policy inside them (mcp_payments.agents.enforcement), for every interface."""
    return spec.render(spec.fn(call, data))


def _pending_body(approval: AgentApproval) -> dict[str, Any]:
    return {"status": "pending_approval", "approval": approval.id}


def _idempotent(
    call: ToolCall,
    spec: ToolSpec,
    data: dict[str, Any],
    arguments: dict[str, Any],
    key: str,
    print_: str,
) -> ToolOutcome:
    """Run once per (merchant, key), as REST's Idempotency-Key. The service owns its
    transactions (none is opened here). A call the policy sends for approval becomes a pending
    approval that owns the idempotency record: replays answer `pending_approval` until it ran,
    then the executed call's result."""
    claim = idempotency_begin(scope=call.context.idempotency_scope, key=key, fingerprint=print_)
    if isinstance(claim, Replay):
        if claim.status == PENDING_STATUS:
            return ToolOutcome("pending_approval", claim.body, replayed=True)
        if claim.status >= 400:
            raise ReplayedError(claim.body)
        return ToolOutcome("ok", claim.body, replayed=True)
    assert isinstance(claim, Claimed)
    token = current_record.set([claim.record_id])
    try:
        body = _run(call, spec, data)
    except ApprovalRequired as required:
        try:
            pending = approvals.approval_request(
                context=call.context,
                operation=required.operation,
                arguments=arguments,
                amount=required.amount,
                currency=required.currency,
                idempotency_key=key,
                interface="mcp",
            )
        except BaseException:
            idempotency_release(record_id=claim.record_id)
            raise
        outcome = _approval_outcome(pending)
        status = PENDING_STATUS if outcome.status == "pending_approval" else 200
        if outcome.is_error:
            status = (pending.response or {}).get("status", 403)
        idempotency_complete(record_id=claim.record_id, status=status, body=outcome.body)
        outcome.audit = {"approval": pending.id}
        return outcome
    except ApplicationError as exc:
        if should_store(exc.status):
            idempotency_complete(
                record_id=claim.record_id, status=exc.status, body=application_error_body(exc)
            )
        else:
            idempotency_release(record_id=claim.record_id)
        raise
    except BaseException:
        idempotency_release(record_id=claim.record_id)
        raise
    finally:
        current_record.reset(token)
    idempotency_complete(record_id=claim.record_id, status=200, body=body)
    return ToolOutcome("ok", body)


def _approval_outcome(approval: AgentApproval) -> ToolOutcome:
    """A call that needed approval learns where its approval stands."""
    if approval.status in (ApprovalStatus.PENDING, ApprovalStatus.APPROVED):
        return ToolOutcome("pending_approval", _pending_body(approval))
    answer = approval.response or {}
    body = answer.get("body") or approval.result or {}
    if approval.status == ApprovalStatus.EXECUTED:
        return ToolOutcome("ok", body, replayed=True)
    return ToolOutcome("error", body, replayed=True)


def _execute(context: AuthContext, spec: ToolSpec, arguments: dict[str, Any]) -> ToolOutcome:
    policy.tool_authorize(context=context, tool=spec.requirement)
    arguments = dict(arguments)
    given_key = arguments.pop(IDEMPOTENCY_KEY, None) if spec.writes else None
    dry_run = arguments.pop(DRY_RUN, False) if spec.effect is Effect.MONEY else False
    if not isinstance(dry_run, bool):
        raise ValidationError({DRY_RUN: ["Must be a boolean."]})
    data = _validate(spec, arguments)
    call = ToolCall(context=context, dry_run=dry_run)
    if not spec.writes:
        return ToolOutcome("ok", _read(call, spec, data))

    if given_key is not None:
        if not isinstance(given_key, str):
            raise ValidationError({IDEMPOTENCY_KEY: ["Must be a string."]})
        key = given_key
    else:
        key = derived_idempotency_key(
            prefix="mcp", actor=context.actor_id, operation=spec.name, arguments=arguments
        )
    audit = {"idempotency_key": key}

    if spec.effect is Effect.MONEY and dry_run:
        amount, currency = spec.amount(data)
        verdict = policy_verdict(
            context=context,
            operation=spec.name,
            amount=amount if spec.policy_amount else None,
            currency=currency if spec.policy_amount else None,
        )
        # The simulation shows the service's own outcome; the policy speaks in the verdict.
        simulated = ToolCall(context=replace(context, agent_policy=None), dry_run=True)
        body = simulate(simulated, spec, data, verdict)
        return ToolOutcome("dry_run", body, audit=audit)
    outcome = _idempotent(call, spec, data, arguments, key, fingerprint(spec.name, arguments))
    outcome.audit = {**audit, **outcome.audit}
    return outcome


def run_tool(
    *,
    context: AuthContext,
    name: str,
    arguments: dict[str, Any] | None,
) -> ToolOutcome:
    """Run one tool call and audit it. Every refusal becomes an error outcome carrying the API's
    error envelope (type, code, message, param), never an exception."""
    started = time.monotonic()
    token = request_id_var.set(request_id_var.get() or f"mcp_{uuid.uuid4().hex}")
    interface_token = interface_var.set("mcp")
    arguments = arguments or {}
    try:
        spec = registry.tools().get(name)
        try:
            if spec is None:
                raise UnknownTool(f"Unknown tool: {storable(name)!r}.", param="name")
            refuse_non_text_json(arguments)  # input hygiene, as the REST kernel (api.hygiene)
            outcome = _execute(context, spec, arguments)
        except ApplicationError as exc:
            outcome = ToolOutcome("error", application_error_body(exc))
        except ValidationError as exc:
            outcome = ToolOutcome("error", validation_error_body(exc))
        except ReplayedError as exc:
            outcome = ToolOutcome("error", exc.body, replayed=True)
        except Exception:
            # As the REST exception handler: logged with its trace, never shown.
            logger.exception("MCP tool %r crashed", name)
            body = error_body(
                type="api_error", code="internal_error", message="An internal error occurred."
            )
            outcome = ToolOutcome("error", body)
        try:
            _audit(context, name, arguments, outcome, started)
        except Exception:
            # Never shown to the agent (no database text in tool results); loud in the logs.
            logger.exception("MCP tool %r: the audit row could not be written", storable(name))
        return outcome
    finally:
        interface_var.reset(interface_token)
        request_id_var.reset(token)


def _audit(
    context: AuthContext,
    name: str,
    arguments: dict[str, Any],
    outcome: ToolOutcome,
    started: float,
) -> None:
    """The `mcp.tool_called` row, in its own transaction after the work (so refused and dry-run
    calls are audited too; a dry run's own effects were rolled back before)."""
    after: dict[str, Any] = {
        # Redacted, and escaped where not text, so that even a refused call's row is storable.
        "arguments": storable(redact_arguments(arguments)),
        "outcome": outcome.status,
        "error_code": outcome.error_code,
        "replayed": outcome.replayed,
        "latency_ms": round((time.monotonic() - started) * 1000, 1),
        **outcome.audit,
    }
    with transaction.atomic():
        audit_record(
            context=context,
            action="mcp.tool_called",
            object_type="mcp_tool",
            object_id=storable(name)[:100],
            after=after,
        )


def _tool_executor(spec: ToolSpec):
    """The operation-registry executor of a money tool: its validation and service, as an
    approved call (the approval, not the idempotency store, makes it run once)."""

    def execute(context: AuthContext, arguments: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        data = _validate(spec, arguments)
        return 201 if spec.name.startswith("create_") else 200, spec.render(
            spec.fn(ToolCall(context=context), data)
        )

    return execute


def register_money_tools() -> None:
    """Fill the operation registry with every money-moving tool (called at startup)."""
    for spec in registry.tools().values():
        if spec.effect is Effect.MONEY:
            register_operation(spec.name, _tool_executor(spec))
