"""Payment providers behind one interface; the sandbox is the default."""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import PaymentProvider

_provider: PaymentProvider | None = None


def get_provider() -> PaymentProvider:
    global _provider
    if _provider is None:
        _provider = import_string(settings.PAYMENT_PROVIDER)()
    return _provider
