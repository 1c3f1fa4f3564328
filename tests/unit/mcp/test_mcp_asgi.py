"""The ASGI router: which app answers, and the session manager's run() in the lifespan (or, for
servers without one, from the first MCP request)."""

import asyncio
import contextlib
import json
from typing import Any

from mcp_payments.mcp.asgi import McpRouter


class FakeManager:
    def __init__(self) -> None:
        self.events: list[str] = []

    @contextlib.asynccontextmanager
    async def run(self):
        self.events.append("enter")
        try:
            yield
        finally:
            self.events.append("exit")


def recording_app(name: str, calls: list[str]):
    async def app(scope, receive, send) -> None:
        calls.append(f"{name} {scope['path']}")

    return app


def http(path: str, method: str = "POST") -> dict[str, Any]:
    return {"type": "http", "path": path, "raw_path": path.encode(), "method": method}


def test_paths_are_routed_to_mcp_or_django(settings):
    # With an OAuth server deployed, the SDK's app serves the metadata that names it.
    settings.MCP_AUTHORIZATION_SERVER_URL = "https://auth.example.com"
    calls: list[str] = []
    manager = FakeManager()
    router = McpRouter(recording_app("django", calls), recording_app("mcp", calls), manager)

    async def scenario() -> None:
        for path in (
            "/api/v1/customers",
            "/mcp",
            "/mcp/",
            "/.well-known/oauth-protected-resource/mcp",
        ):
            await router(http(path), None, None)
        await router({"type": "websocket", "path": "/mcp"}, None, None)

    asyncio.run(scenario())

    assert calls == [
        "django /api/v1/customers",
        "mcp /mcp",
        "mcp /mcp",
        "mcp /.well-known/oauth-protected-resource/mcp",
        "django /mcp",
    ]
    # No lifespan here (daphne): the first MCP request started the manager.
    assert manager.events == ["enter", "exit"]


def test_without_an_oauth_server_the_metadata_names_none(settings):
    settings.MCP_AUTHORIZATION_SERVER_URL = None
    settings.MCP_RESOURCE_URL = "https://pay.example.com/mcp"
    calls: list[str] = []
    manager = FakeManager()
    router = McpRouter(recording_app("django", calls), recording_app("mcp", calls), manager)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    path = "/.well-known/oauth-protected-resource/mcp"
    asyncio.run(router({**http(path, "GET"), "headers": []}, receive, send))

    assert calls == []
    assert manager.events == []
    assert sent[0]["status"] == 200
    assert json.loads(sent[1]["body"]) == {
        "resource": "https://pay.example.com/mcp",
        "bearer_methods_supported": ["header"],
    }


def test_the_lifespan_runs_the_session_manager():
    manager = FakeManager()
    router = McpRouter(recording_app("django", []), recording_app("mcp", []), manager)
    sent: list[str] = []

    async def scenario() -> None:
        inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        await inbox.put({"type": "lifespan.startup"})

        async def send(message: dict[str, str]) -> None:
            sent.append(message["type"])
            if message["type"] == "lifespan.startup.complete":
                sent.append(f"manager {manager.events}")
                await inbox.put({"type": "lifespan.shutdown"})

        await router({"type": "lifespan"}, inbox.get, send)

    asyncio.run(scenario())

    assert sent == [
        "lifespan.startup.complete",
        "manager ['enter']",
        "lifespan.shutdown.complete",
    ]
    assert manager.events == ["enter", "exit"]


def test_get_on_mcp_is_405_in_stateless_mode():
    messages: list[dict[str, Any]] = []
    router = McpRouter(recording_app("django", []), recording_app("mcp", []), FakeManager())

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    asyncio.run(router(http("/mcp", "GET"), None, send))

    assert messages[0]["status"] == 405
    assert (b"allow", b"POST, DELETE") in messages[0]["headers"]
