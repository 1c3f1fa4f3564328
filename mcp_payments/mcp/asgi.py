"""`/mcp` inside the project's ASGI application.

`with_mcp(application)` wraps the Django (or Channels) application: HTTP requests for `/mcp`
and `/.well-known/oauth-protected-resource…` go to the SDK's Starlette app, everything else to
the wrapped application. The SDK's session manager needs its `run()` context entered before it
serves a request; a mounted app's lifespan does not run by itself, so this router handles the
ASGI `lifespan` scope and enters it there (uvicorn). Servers without the lifespan protocol
(daphne) start it on the first MCP request instead, in a task that lives as long as the loop.
"""

import asyncio
import contextlib
import logging
from typing import Any

from django.conf import settings
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)

MCP_PATHS = ("/mcp", "/mcp/")
METADATA_PREFIX = "/.well-known/oauth-protected-resource"


def is_mcp_path(path: str) -> bool:
    return path in MCP_PATHS or path.startswith(METADATA_PREFIX)


class McpRouter:
    def __init__(
        self, app: ASGIApp, mcp_app: ASGIApp, session_manager: StreamableHTTPSessionManager
    ) -> None:
        self.app = app
        self.mcp_app = mcp_app
        self.session_manager = session_manager
        self._running = asyncio.Event()
        self._starting = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif (
            scope["type"] == "http"
            and scope["path"].startswith(METADATA_PREFIX)
            and not settings.MCP_AUTHORIZATION_SERVER_URL
        ):
            await resource_metadata()(scope, receive, send)
        elif scope["type"] == "http" and is_mcp_path(scope["path"]):
            if scope["path"] in MCP_PATHS and scope["method"] == "GET":
                # Stateless: no session, so nothing would ever arrive on a standalone SSE
                # stream; the spec's alternative to opening one is 405.
                await _method_not_allowed(send)
                return
            await self._ensure_running()
            if scope["path"] == "/mcp/":
                scope = {**scope, "path": "/mcp", "raw_path": b"/mcp"}
            await self.mcp_app(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        assert message["type"] == "lifespan.startup"
        try:
            async with self.session_manager.run():
                self._running.set()
                await send({"type": "lifespan.startup.complete"})
                message = await receive()
                assert message["type"] == "lifespan.shutdown"
                self._running.clear()
        except Exception as exc:
            logger.exception("MCP session manager failed")
            if not self._running.is_set():
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                return
        await send({"type": "lifespan.shutdown.complete"})

    async def _ensure_running(self) -> None:
        if self._running.is_set():
            return
        async with self._starting:
            if self._running.is_set():
                return
            self._task = asyncio.get_running_loop().create_task(self._run_forever())
            started = asyncio.ensure_future(self._running.wait())
            done, _ = await asyncio.wait({started, self._task}, return_when="FIRST_COMPLETED")
            if self._task in done:
                started.cancel()
                self._task.result()  # raises what stopped it

    async def _run_forever(self) -> None:
        async with self.session_manager.run():
            self._running.set()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.Event().wait()


async def _method_not_allowed(send: Send) -> None:
    body = b'{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Method Not Allowed"}}'
    await send(
        {
            "type": "http.response.start",
            "status": 405,
            "headers": [
                (b"allow", b"POST, DELETE"),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def with_mcp(application: Any) -> McpRouter:
    """The project's ASGI application with MCP mounted (call after Django is set up)."""
    from .server import http_app

    mcp_app, session_manager = http_app()
    return McpRouter(application, mcp_app, session_manager)


def resource_metadata() -> JSONResponse:
    """RFC 9728 protected-resource metadata when no OAuth authorization server is deployed:
    `{"resource": MCP_RESOURCE_URL, "bearer_methods_supported": ["header"]}`, naming no
    authorization server (the field is optional), so a client given a 401 reports a bad key
    rather than trying an OAuth flow that nothing here serves."""
    return JSONResponse(
        {"resource": settings.MCP_RESOURCE_URL, "bearer_methods_supported": ["header"]},
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600"},
    )
