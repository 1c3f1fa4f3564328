"""The base view every API endpoint derives from: auth context, idempotent POSTs."""

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .hygiene import refuse_non_text_json, refuse_non_text_params, refuse_non_text_path
from .idempotency import (
    Claimed,
    Replay,
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
    """POST requests carrying `Idempotency-Key` run once per (actor scope, key)."""

    _idempotency_record: int | None = None
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
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or key is None or request.auth is None:
            return
        fingerprint = request_fingerprint(request.method, request.path, request._request.body)
        outcome = idempotency_begin(
            scope=request.auth.idempotency_scope, key=key, fingerprint=fingerprint
        )
        if isinstance(outcome, Replay):
            raise _ReplayResponse(outcome)
        assert isinstance(outcome, Claimed)
        self._idempotency_record = outcome.record_id

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _ReplayResponse):
            response = Response(exc.replay.body, status=exc.replay.status)
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any):
        record_id, self._idempotency_record = self._idempotency_record, None
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
