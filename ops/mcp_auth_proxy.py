"""A local reverse proxy that adds `Authorization: Bearer <token>` to every request, for MCP test
clients that cannot send headers (`@modelcontextprotocol/conformance server --url` has no header
option, while /mcp requires a bearer token).

    MCP_PROXY_TOKEN=sk_test_… python -m ops.mcp_auth_proxy --upstream http://127.0.0.1:8000 \
        --port 8765

Everything else passes through unchanged, the Host and Origin headers included, so the
server's own checks (DNS-rebinding protection among them) see what the client sent. Listens on
127.0.0.1 only; prints `listening on <url>` once it accepts connections.
"""

import argparse
import os
import sys

import httpx2
import uvicorn
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)


class AuthProxy:
    def __init__(self, upstream: str, token: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.token = token
        self.client = httpx2.AsyncClient(timeout=httpx2.Timeout(60, read=300))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        headers = [
            (name, value)
            for name, value in request.headers.items()
            if name not in HOP_BY_HOP and name != "authorization"
        ]
        headers.append(("authorization", f"Bearer {self.token}"))
        upstream = self.client.build_request(
            request.method,
            f"{self.upstream}{request.url.path}",
            params=request.query_params,
            headers=headers,
            content=await request.body(),
        )
        response = await self.client.send(upstream, stream=True)
        reply = StreamingResponse(
            response.aiter_raw(),
            status_code=response.status_code,
            headers={k: v for k, v in response.headers.items() if k not in HOP_BY_HOP},
            background=BackgroundTask(response.aclose),
        )
        await reply(scope, receive, send)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    token = os.environ.get("MCP_PROXY_TOKEN")
    if not token:
        parser.error("set MCP_PROXY_TOKEN to the bearer token to add")
    print(f"listening on http://127.0.0.1:{args.port}", flush=True)
    uvicorn.run(
        AuthProxy(args.upstream, token),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        lifespan="off",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
