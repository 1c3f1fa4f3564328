"""ASGI entry point: HTTP today; WebSockets (/ws/) and MCP (/mcp) are mounted here as they land."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcp_payments.settings.base")
application = get_asgi_application()
