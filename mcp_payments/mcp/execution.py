"""One tool call, from raw arguments to its outcome: the same path for HTTP, stdio and approved
calls. Synchronous (Django ORM); the transports run it in a worker thread.

    authorize (scopes, agent policy)       agents.services.policy.tool_authorize
    validate (the REST input serializer)   → parameter_* errors with `param`
    read tools:  the selector, rendered (PII redacted without customers:read)
    write tools: idempotency (given or derived key, mcp_payments.api.idempotency)
    money tools: + max per call, approval above threshold (pending_approval), dry run,
                 daily limit reserved inside the money movement's transaction
    audit        one `mcp.tool_called` row, in its own transaction, for every call
"""

import hashlib
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from rest_framework.exceptions import ValidationError

from mcp_payments.accounts.context import AuthContext
from mcp_payments.agents.models import AgentApproval, ApprovalStatus
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
    idempotency_begin,
    idempotency_complete,
    idempotency_release,
    request_fingerprint,
    should_store,
)
from mcp_payments.api.logging import interface_var, request_id_var
from mcp_payments.api.pagination import paginate
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


def canonical_json(arguments: dict[str, Any]) -> str:
    return json.dumps(arguments, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def derived_idempotency_key(
    context: AuthContext, tool: str, arguments: dict[str, Any], now: float | None = None
) -> str:
    """(key, tool, canonical arguments) within the current window (MCP_IDEMPOTENCY_WINDOW_SECONDS,
    aligned to the epoch): an identical retry inside the window gets the same key."""
    window = int((time.time() if now is None else now) // settings.MCP_IDEMPOTENCY_WINDOW_SECONDS)
    material = f"{context.actor_id}\n{tool}\n{canonical_json(arguments)}\n{window}"
    return f"mcp_{tool}_{window}_{hashlib.sha256(material.encode()).hexdigest()[:40]}"


def fingerprint(tool: str, arguments: dict[str, Any]) -> str:
    return request_fingerprint("TOOL", tool, canonical_json(arguments).encode())


def _validate(spec: ToolSpec, arguments: dict[str, Any]) -> dict[str, Any]:
    serializer = spec.input(data=arguments)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _read(call: ToolCall, spec: ToolSpec, data: dict[str, Any]) -> dict[str, Any]:
    if spec.is_list:
        page = registry.list_page_params(data)
        queryset = spec.fn(call, data)
        body = paginate(SimpleNamespace(query_params=page), queryset, spec.output)
        body = {**body, "data": list(body["data"])}
    else:
        body = spec.render(spec.fn(call, data))
    return body if call.context.has_scope("customers:read") else redact_customer_pii(body)


def _run_write(call: ToolCall, spec: ToolSpec, data: dict[str, Any]) -> dict[str, Any]:
    """The tool's service in one transaction with the key's daily-limit reservation."""
    with transaction.atomic():
        if spec.effect is Effect.MONEY:
            amount, currency = spec.amount(data)
            policy.spend_reserve(context=call.context, amount=amount, currency=currency)
        return spec.render(spec.fn(call, data))


def _idempotent(
    call: ToolCall, spec: ToolSpec, data: dict[str, Any], key: str, print_: str
) -> tuple[dict[str, Any], bool]:
    """Run once per (merchant, key), as REST's Idempotency-Key: returns (body, replayed)."""
    claim = idempotency_begin(scope=call.context.idempotency_scope, key=key, fingerprint=print_)
    if isinstance(claim, Replay):
        if claim.status >= 400:
            raise ReplayedError(claim.body)
        return claim.body, True
    assert isinstance(claim, Claimed)
    try:
        body = _run_write(call, spec, data)
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
    idempotency_complete(record_id=claim.record_id, status=200, body=body)
    return body, False


def _approval_outcome(approval: AgentApproval) -> ToolOutcome:
    """A retried call that needed approval learns where its approval stands."""
    if approval.status == ApprovalStatus.EXECUTED:
        return ToolOutcome("ok", approval.result or {}, replayed=True)
    if approval.status == ApprovalStatus.FAILED:
        return ToolOutcome("error", approval.result or {}, replayed=True)
    if approval.status == ApprovalStatus.REJECTED:
        body = error_body(
            type="permission_error",
            code="approval_rejected",
            message=f"Staff rejected this call ({approval.id}).",
            approval=approval.id,
        )
        return ToolOutcome("error", body, replayed=True)
    return ToolOutcome("pending_approval", {"status": "pending_approval", "approval": approval.id})


def _execute(
    context: AuthContext,
    spec: ToolSpec,
    arguments: dict[str, Any],
    approval: AgentApproval | None,
) -> ToolOutcome:
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

    if approval is not None:
        key = approval.idempotency_key
    elif given_key is not None:
        if not isinstance(given_key, str):
            raise ValidationError({IDEMPOTENCY_KEY: ["Must be a string."]})
        key = given_key
    else:
        key = derived_idempotency_key(context, spec.name, arguments)
    audit = {"idempotency_key": key}

    if spec.effect is Effect.MONEY:
        amount, currency = spec.amount(data)
        if dry_run:
            verdict = policy.amount_verdict(
                context=context, amount=amount, currency=currency, approved=approval is not None
            )
            body = simulate(call, spec, data, verdict)
            return ToolOutcome("dry_run", body, audit=audit)
        needs_approval = policy.amount_precheck(
            context=context, amount=amount, currency=currency, approved=approval is not None
        )
        if needs_approval:
            pending = approvals.approval_request(
                context=context,
                tool=spec.name,
                arguments=arguments,
                amount=amount,
                currency=currency,
                idempotency_key=key,
            )
            outcome = _approval_outcome(pending)
            outcome.audit = {**audit, "approval": pending.id}
            return outcome
    if approval is not None:
        audit = {**audit, "approval": approval.id, "approved_by": f"user:{approval.decided_by_id}"}
    body, replayed = _idempotent(call, spec, data, key, fingerprint(spec.name, arguments))
    return ToolOutcome("ok", body, replayed=replayed, audit=audit)


def run_tool(
    *,
    context: AuthContext,
    name: str,
    arguments: dict[str, Any] | None,
    approval: AgentApproval | None = None,
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
            outcome = _execute(context, spec, arguments, approval)
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


def execute_approved(approval: AgentApproval, context: AuthContext) -> approvals.ExecutionResult:
    """The approval executor (registered with `agents.services.approvals`): the original call,
    through the same path, with its original idempotency key; `approval_above` no longer
    applies."""
    outcome = run_tool(
        context=context, name=approval.tool, arguments=approval.arguments, approval=approval
    )
    return approvals.ExecutionResult(ok=not outcome.is_error, body=outcome.body)
