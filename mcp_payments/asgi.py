"""ASGI entry point: Django for HTTP, Channels for WebSockets at /ws/*, and the MCP server at
/mcp (Streamable HTTP) with its session manager run in the ASGI lifespan."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcp_payments.settings.base")
django_application = get_asgi_application()

# These imports need Django set up.
from channels.routing import ProtocolTypeRouter  # noqa: E402

from mcp_payments.mcp.asgi import with_mcp  # noqa: E402
from realtime.routing import websocket_application  # noqa: E402

application = with_mcp(
    ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})
)
