"""Payment providers behind one interface; the sandbox is the default."""

from django.conf import settings
from django.utils.module_loading import import_string

from mcp_payments.agents.planning import is_planning

from .base import PaymentProvider

_provider: PaymentProvider | None = None


def get_provider() -> PaymentProvider:
    """The configured provider; in planning mode (a dry run) a predictor that calls nothing."""
    global _provider
    if _provider is None:
        _provider = import_string(settings.PAYMENT_PROVIDER)()
    if is_planning():
        from .planning import PlanningProvider

        return PlanningProvider(_provider)
    return _provider
