"""Payment methods: provider tokens in, card metadata stored — never a card number."""

from django.db import transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from payments.exceptions import InvalidCardToken, PaymentMethodAlreadyDetached
from payments.models import PaymentMethod
from payments.providers import get_provider
from payments.providers.base import InvalidToken
from payments.selectors import customer_get, payment_method_get


def payment_method_create(
    *,
    context: AuthContext,
    token: str,
    customer_id: str | None = None,
    metadata: dict[str, str] | None = None,
) -> PaymentMethod:
    """Store what the provider says of a card token (brand, last4, expiry, fingerprint)."""
    if context.merchant is None:
        raise MerchantRequired()
    customer = (
        customer_get(context=context, customer_id=customer_id, param="customer")
        if customer_id
        else None
    )
    try:
        card = get_provider().tokenize(token=token)
    except InvalidToken:
        raise InvalidCardToken(f"No such token: '{token}'", param="card[token]") from None
    with transaction.atomic():
        return PaymentMethod.objects.create(
            merchant=context.merchant,
            customer=customer,
            provider_token=token,
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            fingerprint=card.fingerprint,
            metadata=metadata or {},
        )


def payment_method_detach(*, context: AuthContext, payment_method_id: str) -> PaymentMethod:
    """Detach from its customer; a detached method cannot be used again. Detaching twice is a
    state conflict: 409 `payment_method_detached` (PaymentMethodAlreadyDetached)."""
    with transaction.atomic():
        method = payment_method_get(
            context=context, payment_method_id=payment_method_id, for_update=True
        )
        if method.detached_at is not None:
            raise PaymentMethodAlreadyDetached(param="id")
        method.detached_at = timezone.now()
        method.customer = None
        method.save(update_fields=["detached_at", "customer"])
        return method
