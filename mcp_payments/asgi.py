"""ASGI entry point: HTTP today; WebSockets (/ws/) and MCP (/mcp) are mounted here as they land."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcp_payments.settings.base")
application = get_asgi_application()

# WebSockets at /ws/* (realtime/routing.py); HTTP keeps going to Django.
from channels.routing import ProtocolTypeRouter  # noqa: E402 (needs Django set up)

from realtime.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": application, "websocket": websocket_application()})

# MCP at /mcp (Streamable HTTP), with its session manager run in the ASGI lifespan.
from mcp_payments.mcp.asgi import with_mcp  # noqa: E402 (needs Django set up)

application = with_mcp(application)
