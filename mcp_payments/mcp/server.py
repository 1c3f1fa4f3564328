"""The MCP server: the SDK's low-level `Server` with handlers over our registry.

Why the low-level `Server` rather than `MCPServer`: `MCPServer` lists one tool set to everyone
and validates arguments with pydantic models of the function signatures. Here `tools/list` is
filtered per caller (scopes and agent policy), arguments are validated by the REST API's own
serializers (one validation path: a string amount is refused, as in REST), and errors are tool
results carrying the API's error envelope. Everything used is public SDK API: `Server(on_…)`,
`Server.streamable_http_app(...)`, `Server.run(...)` over `stdio_server()`.
"""

import json
from typing import Any

import anyio
import mcp_types as types
from django.conf import settings
from mcp.server.auth.settings import AuthSettings
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from starlette.applications import Starlette

from mcp_payments.accounts.context import AuthContext
from mcp_payments.agents.services.policy import tool_authorize, tool_permitted
from mcp_payments.api.errors import ApplicationError, application_error_body
from mcp_payments.api.hygiene import escape, refuse_non_text_path

from . import registry
from .auth import ApiTokenVerifier, CallerResolver, http_caller, run_sync, stdio_caller
from .execution import ToolOutcome, run_tool
from .redaction import redact_customer_pii
from .registry import ResourceSpec, ToolCall, ToolSpec
from .subscriptions import (
    SCHEME,
    ApprovalWatchers,
    approval_id_of,
    listen_with_watchers,
    stateless_refusal,
)

SERVER_NAME = "mcp-payments"
SERVER_VERSION = "1.0.0"
INSTRUCTIONS = """\
MCP Payments: customers, wallets, transfers, payouts and the event log of one merchant.
Amounts are integers in the currency's minor unit (cents; yen has none); currencies are
lowercase ISO 4217 codes. Money-moving tools accept dry_run: true to see what would happen
without changing anything; use it before moving money. A call above this key's approval
threshold returns {"status": "pending_approval", "approval": "appr_…"}: nothing happened yet;
poll get_approval until staff decide. Errors carry the REST API's error envelope
({"error": {"type", "code", "message", "param"}}).
"""


def mcp_tool(spec: ToolSpec) -> types.Tool:
    hints = spec.annotations
    return types.Tool(
        name=spec.name,
        title=spec.title,
        description=spec.description,
        input_schema=spec.input_schema,
        output_schema=spec.output_schema,
        annotations=types.ToolAnnotations(
            title=spec.title,
            read_only_hint=hints["readOnlyHint"],
            destructive_hint=hints.get("destructiveHint"),
            idempotent_hint=hints.get("idempotentHint"),
            open_world_hint=hints["openWorldHint"],
        ),
    )


def tool_result(outcome: ToolOutcome) -> types.CallToolResult:
    """Success or refusal, both as a tool result: the JSON text (for clients that read only
    `content`) and the same object as `structuredContent`."""
    text = json.dumps(outcome.body, ensure_ascii=False)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)],
        structured_content=outcome.body,
        is_error=outcome.is_error,
    )


def visible_tools(context: AuthContext) -> list[ToolSpec]:
    return [
        spec
        for spec in registry.tools().values()
        if tool_permitted(context=context, tool=spec.requirement)
    ]


def _resource_of(uri: str) -> tuple[ResourceSpec, str]:
    scheme, separator, object_id = uri.partition("://")
    spec = registry.resources().get(scheme)
    if spec is None or not separator or not object_id or "/" in object_id:
        raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown resource: {escape(uri)}")
    return spec, object_id


def _read_resource(context: AuthContext, spec: ResourceSpec, object_id: str) -> dict[str, Any]:
    tool_authorize(context=context, tool=spec.requirement)
    refuse_non_text_path({"id": object_id})  # input hygiene (api.hygiene), as tools and REST
    result = spec.fn(ToolCall(context=context), object_id)
    body = dict(spec.output(result).data) if not isinstance(result, dict) else result
    return body if context.has_scope("customers:read") else redact_customer_pii(body)


def _resource_error(uri: str, exc: ApplicationError) -> MCPError:
    return MCPError(
        code=types.INVALID_PARAMS,
        message=exc.message,
        data={"uri": uri, **application_error_body(exc)},
    )


def build_server(
    resolve_caller: CallerResolver, watchers: ApprovalWatchers | None = None
) -> Server[Any]:
    """The server's handlers; `resolve_caller` says who sends each request (HTTP: the bearer
    token; stdio: the key given at start). `watchers` holds the session's `approvals://{id}`
    subscriptions; without it (stateless HTTP) `resources/subscribe` is refused."""

    async def caller(ctx: ServerRequestContext[Any, Any]) -> AuthContext:
        context = await resolve_caller(ctx)
        if context is None:
            raise MCPError(code=types.INVALID_REQUEST, message="Invalid or expired credentials.")
        return context

    async def list_tools(
        ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        context = await caller(ctx)
        return types.ListToolsResult(tools=[mcp_tool(spec) for spec in visible_tools(context)])

    async def call_tool(
        ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        context = await caller(ctx)
        outcome = await run_sync(run_tool)(
            context=context, name=params.name, arguments=params.arguments
        )
        return tool_result(outcome)

    async def list_resources(
        ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        await caller(ctx)
        return types.ListResourcesResult(resources=[])

    async def list_resource_templates(
        ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        context = await caller(ctx)
        templates = [
            types.ResourceTemplate(
                name=spec.name,
                uri_template=spec.uri_template,
                description=spec.description,
                mime_type="application/json",
            )
            for spec in registry.resources().values()
            if tool_permitted(context=context, tool=spec.requirement)
        ]
        return types.ListResourceTemplatesResult(resource_templates=templates)

    async def read_resource(
        ctx: ServerRequestContext[Any, Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        context = await caller(ctx)
        uri = str(params.uri)
        spec, object_id = _resource_of(uri)
        try:
            body = await run_sync(_read_resource)(context, spec, object_id)
        except ApplicationError as exc:
            raise _resource_error(uri, exc) from None
        text = json.dumps(body, ensure_ascii=False)
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, mime_type="application/json", text=text)]
        )

    async def watched_approval(context: AuthContext, uri: str) -> tuple[str, str, str]:
        """(uri, approval id, status) of an approval the caller may read (another merchant's
        is "No such agent approval", as a read)."""
        approval_id = approval_id_of(uri)
        try:
            approval = await run_sync(_read_resource)(
                context, registry.resources()[SCHEME], approval_id
            )
        except ApplicationError as exc:
            raise _resource_error(uri, exc) from None
        return uri, approval["id"], approval["status"]

    async def subscribe_resource(
        ctx: ServerRequestContext[Any, Any], params: types.SubscribeRequestParams
    ) -> types.EmptyResult:
        """Handshake-era clients: watch one of the caller's approvals for this session;
        `notifications/resources/updated` follows each change of its status."""
        context = await caller(ctx)
        uri = str(params.uri)
        approval_id_of(uri)
        if watchers is None:
            raise stateless_refusal(uri)
        _, approval_id, status = await watched_approval(context, uri)
        watchers.subscribe(ctx.session, uri, approval_id, status)
        return types.EmptyResult()

    async def subscriptions_listen(
        ctx: ServerRequestContext[Any, Any], params: types.SubscriptionsListenRequestParams
    ) -> types.SubscriptionsListenResult:
        """2026-07-28 clients, on any transport: a listen stream for `approvals://…` URIs the
        caller may read (all checked before the stream opens)."""
        context = await caller(ctx)
        uris = params.notifications.resource_subscriptions or []
        watched = [await watched_approval(context, str(uri)) for uri in uris]
        return await listen_with_watchers(ctx, params, watched)

    async def unsubscribe_resource(
        ctx: ServerRequestContext[Any, Any], params: types.UnsubscribeRequestParams
    ) -> types.EmptyResult:
        await caller(ctx)
        uri = str(params.uri)
        if watchers is None:
            raise stateless_refusal(uri)
        watchers.unsubscribe(uri)
        return types.EmptyResult()

    async def list_prompts(
        ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListPromptsResult:
        await caller(ctx)
        prompts = [
            types.Prompt(
                name=spec.name,
                title=spec.title,
                description=spec.description,
                arguments=[
                    types.PromptArgument(
                        name=argument.name,
                        description=argument.description,
                        required=argument.required,
                    )
                    for argument in spec.arguments
                ],
            )
            for spec in registry.prompts().values()
        ]
        return types.ListPromptsResult(prompts=prompts)

    async def get_prompt(
        ctx: ServerRequestContext[Any, Any], params: types.GetPromptRequestParams
    ) -> types.GetPromptResult:
        context = await caller(ctx)
        spec = registry.prompts().get(params.name)
        if spec is None:
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown prompt: {params.name}")
        arguments = dict(params.arguments or {})
        known = {argument.name for argument in spec.arguments}
        missing = [a.name for a in spec.arguments if a.required and not arguments.get(a.name)]
        unknown = sorted(set(arguments) - known)
        if missing or unknown:
            problem = f"missing {missing[0]}" if missing else f"unknown argument {unknown[0]}"
            raise MCPError(code=types.INVALID_PARAMS, message=f"Prompt {spec.name}: {problem}.")
        tools = {tool.name for tool in visible_tools(context)}
        try:
            text = spec.fn(tools, **arguments)
        except ValueError as exc:
            raise MCPError(code=types.INVALID_PARAMS, message=str(exc)) from None
        return types.GetPromptResult(
            description=spec.description,
            messages=[
                types.PromptMessage(role="user", content=types.TextContent(type="text", text=text))
            ],
        )

    return Server(
        SERVER_NAME,
        version=SERVER_VERSION,
        title="MCP Payments",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_list_resource_templates=list_resource_templates,
        on_read_resource=read_resource,
        on_subscribe_resource=subscribe_resource,
        on_unsubscribe_resource=unsubscribe_resource,
        on_subscriptions_listen=subscriptions_listen,
        on_list_prompts=list_prompts,
        on_get_prompt=get_prompt,
    )


def transport_security() -> TransportSecuritySettings:
    """DNS-rebinding protection from ALLOWED_HOSTS: the Host header must name one of them (any
    port) and a browser's Origin must be one of them. `*` turns the check off; a `.example.com`
    pattern allows example.com itself (the SDK matches exact hosts, not subdomains)."""
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS]
    if "*" in hosts:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    hosts = [f"[{host}]" if ":" in host else host for host in hosts]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[pattern for host in hosts for pattern in (host, f"{host}:*")],
        allowed_origins=[
            f"{scheme}://{host}{port}"
            for host in hosts
            for scheme in ("http", "https")
            for port in ("", ":*")
        ],
    )


def http_app() -> tuple[Starlette, StreamableHTTPSessionManager]:
    """The Streamable HTTP app (`/mcp` and its protected-resource metadata) and its session
    manager, which the caller must run (`asgi.McpRouter` does it in the ASGI lifespan).

    Stateless: every POST is served on its own, with no session to look up, so any process
    behind the proxy can answer any request (no sticky sessions, nothing lost on restart), and
    JSON responses rather than SSE streams, since no tool streams progress."""
    server = build_server(http_caller)
    app = server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        transport_security=transport_security(),
        auth=AuthSettings(
            # The SDK needs an issuer to build its own metadata route; without a configured
            # authorization server that route is never reached (asgi.McpRouter answers it).
            issuer_url=settings.MCP_AUTHORIZATION_SERVER_URL or settings.MCP_RESOURCE_URL,
            resource_server_url=settings.MCP_RESOURCE_URL,
            validate_token_resource=False,
        ),
        token_verifier=ApiTokenVerifier(),
    )
    return app, server.session_manager


async def serve_stdio(secret: str) -> None:
    """Serve one client over stdin/stdout as the key `secret`; the session lives as long as
    the process, so it takes `approvals://{id}` subscriptions (their watchers end with it)."""
    async with stdio_server() as (read_stream, write_stream), anyio.create_task_group() as tasks:
        server = build_server(stdio_caller(secret), ApprovalWatchers(tasks))
        await server.run(read_stream, write_stream, server.create_initialization_options())
        tasks.cancel_scope.cancel()
