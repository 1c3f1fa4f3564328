"""Risk-engine tests reuse the payment (`card`, `pay`) and MCP (`agent`, `call`) fixtures."""

from tests.unit.mcp.conftest import agent, call  # noqa: F401
from tests.unit.payments.conftest import _fresh_platform_account_cache, card, pay  # noqa: F401
