"""The base view every API endpoint derives from: auth context, the caller's agent policy,
idempotent POSTs, and approvals (202) of money-moving calls."""

from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mcp_payments.agents.enforcement import operation_check
from mcp_payments.agents.exceptions import ApprovalRequired, ToolNotAllowed
from mcp_payments.agents.representations import AgentApprovalSerializer
from mcp_payments.agents.services.approvals import approval_request

from .hygiene import refuse_non_text_json, refuse_non_text_params, refuse_non_text_path
from .idempotency import (
    Claimed,
    Replay,
    current_record,
    derived_idempotency_key,
    idempotency_begin,
    idempotency_complete,
    idempotency_release,
    request_fingerprint,
    should_store,
)

SECRET_NOT_REPLAYED = "[shown once; not replayed]"  # noqa: S105 (a placeholder, not a secret)


class _ReplayResponse(Exception):
    def __init__(self, replay: Replay) -> None:
        self.replay = replay


class ApiView(APIView):
    """POST requests carrying `Idempotency-Key` run once per (actor scope, key).

    Agent policy (API.md §7, docs/api.md): `operations` names what each HTTP method does (the
    MCP tool names), so a caller's `allowed_tools`, `read_only` and expiry apply to REST as to
    MCP; an endpoint without a name for the method is refused to a policy with
    `allowed_tools`. `approvable` POSTs move money: for a caller with a policy they get a
    derived idempotency key when none is given, and a call above `approval_above` (raised by
    the service) answers 202 with the pending approval, which owns the idempotency record."""

    operations: dict[str, str] = {}
    approvable = False
    # URL keyword → argument name in the operation's stored arguments (the tool's shape).
    url_arguments: dict[str, str] = {}
    # Reading the caller's own approvals is never restricted by `allowed_tools`.
    policy_unrestricted = False

    _idempotency_record: int | None = None
    _idempotency_key: str | None = None
    _record_token: Any = None
    # Response fields never kept in the idempotency store (secrets shown once); a replay shows
    # them as SECRET_NOT_REPLAYED.
    idempotency_secret_fields: tuple[str, ...] = ()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Input hygiene, once for every endpoint: no NUL, control character or unpaired surrogate
        # in a query parameter, path id or JSON key/value (400 parameter_invalid, exact param).
        refuse_non_text_params(
            (name, value) for name, values in request.query_params.lists() for value in values
        )
        refuse_non_text_path(kwargs)
        if request.method in {"POST", "PUT", "PATCH"}:
            # Keep the raw body for the idempotency fingerprint, then parse now: a malformed body
            # or raw card data is refused before any other work.
            request._request.body  # noqa: B018
            refuse_non_text_json(request.data)
        context = request.auth
        if context is not None and getattr(context, "agent_policy", None) is not None:
            self._authorize_operation(request, context)
        key = request.headers.get("Idempotency-Key")
        if key is None and self._derives_key(request):
            key = derived_idempotency_key(
                prefix="rest",
                actor=context.actor_id,
                operation=self.operations["POST"],
                arguments=self.approval_arguments(request),
            )
        if request.method != "POST" or key is None or request.auth is None:
            return
        self._idempotency_key = key
        fingerprint = request_fingerprint(request.method, request.path, request._request.body)
        outcome = idempotency_begin(
            scope=request.auth.idempotency_scope, key=key, fingerprint=fingerprint
        )
        if isinstance(outcome, Replay):
            raise _ReplayResponse(outcome)
        assert isinstance(outcome, Claimed)
        self._idempotency_record = outcome.record_id
        self._record_token = current_record.set([outcome.record_id])

    def _authorize_operation(self, request: Request, context: Any) -> None:
        operation = self.operations.get(request.method)
        writes = request.method not in SAFE_METHODS
        if operation is None and context.agent_policy.allowed_tools is not None:
            raise ToolNotAllowed(
                "This endpoint has no operation name, so a policy with allowed_tools refuses it."
            )
        operation_check(
            context=context,
            operation=operation or "",
            writes=writes,
            restricted=not self.policy_unrestricted,
        )

    def _derives_key(self, request: Request) -> bool:
        return (
            self.approvable
            and request.method == "POST"
            and request.auth is not None
            and request.auth.agent_policy is not None
        )

    def approval_arguments(self, request: Request) -> dict[str, Any]:
        """The call as its operation's stored arguments: the body plus the URL's ids."""
        body = request.data if isinstance(request.data, dict) else {}
        kwargs = self.kwargs or {}
        return {
            **{name: kwargs[url] for url, name in self.url_arguments.items() if url in kwargs},
            **body,
        }

    def _pending_approval(self, required: ApprovalRequired) -> Response:
        approval = approval_request(
            context=self.request.auth,
            operation=required.operation,
            arguments=self.approval_arguments(self.request),
            amount=required.amount,
            currency=required.currency,
            idempotency_key=self._idempotency_key or "",
            interface="rest",
        )
        if approval.response is not None:  # decided already: its answer
            return Response(approval.response["body"], status=approval.response["status"])
        return Response(AgentApprovalSerializer(approval).data, status=202)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ApprovalRequired) and self._idempotency_key is not None:
            try:
                return self._pending_approval(exc)
            except Exception as refused:  # e.g. the key reused with other arguments
                return super().handle_exception(refused)
        if isinstance(exc, _ReplayResponse):
            response = Response(exc.replay.body, status=exc.replay.status)
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any):
        record_id, self._idempotency_record = self._idempotency_record, None
        token, self._record_token = self._record_token, None
        if token is not None:
            current_record.reset(token)
        if record_id is not None:
            if should_store(response.status_code):
                idempotency_complete(
                    record_id=record_id,
                    status=response.status_code,
                    body=self._storable(response.data),
                )
            else:
                idempotency_release(record_id=record_id)
        return super().finalize_response(request, response, *args, **kwargs)

    def _storable(self, body: Any) -> Any:
        if not self.idempotency_secret_fields or not isinstance(body, dict):
            return body
        return {
            key: SECRET_NOT_REPLAYED if key in self.idempotency_secret_fields else value
            for key, value in body.items()
        }

    @property
    def ctx(self):
        """The request's resolved (merchant, actor, scopes): see accounts.context."""
        return self.request.auth
