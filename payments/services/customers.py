"""Customer writes: each one transaction with its event (and audit row for erasure)."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit
from payments.exceptions import CustomerNotFound
from payments.models import Customer
from payments.selectors import customer_get

_PROFILE_FIELDS = ("name", "email", "phone", "description")


def customer_create(
    *,
    context: AuthContext,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
    test_clock: str | None = None,
) -> Customer:
    """Create a customer for the caller's merchant; emits `customer.created`. `test_clock`
    (clock_…, set only here) makes billing see the clock's time for this customer."""
    if context.merchant is None:
        raise MerchantRequired()
    with transaction.atomic():
        if test_clock is not None:
            from payments.billing.selectors import test_clock_get

            test_clock_get(context=context, clock_id=test_clock)
        customer = Customer.objects.create(
            test_clock_id=test_clock,
            merchant=context.merchant,
            name=name,
            email=email,
            phone=phone,
            description=description,
            metadata=metadata or {},
        )
        emit("customer.created", customer)
        return customer


def customer_update(*, context: AuthContext, customer_id: str, **changes: Any) -> Customer:
    """Update profile fields; `metadata` merges key by key and an empty value removes a key.
    Emits `customer.updated` with the previous values of what changed."""
    with transaction.atomic():
        customer = customer_get(context=context, customer_id=customer_id, for_update=True)
        if customer.is_deleted:
            raise CustomerNotFound(f"No such customer: '{customer_id}'", param="id")
        previous: dict[str, Any] = {}
        for field in _PROFILE_FIELDS:
            if field in changes and changes[field] != getattr(customer, field):
                previous[field] = getattr(customer, field)
                setattr(customer, field, changes[field])
        if "metadata" in changes:
            merged = {**customer.metadata, **changes["metadata"]}
            merged = {key: value for key, value in merged.items() if value != ""}
            if merged != customer.metadata:
                previous["metadata"] = customer.metadata
                customer.metadata = merged
        if previous:
            customer.save()
            emit("customer.updated", customer, previous_attributes=previous)
        return customer


def customer_delete(*, context: AuthContext, customer_id: str) -> Customer:
    """Erasure: redact name, email, phone, description and metadata; keep the row (payments and
    ledger history still point at it). Emits `customer.deleted`; audited."""
    with transaction.atomic():
        customer = customer_get(context=context, customer_id=customer_id, for_update=True)
        if customer.is_deleted:
            raise CustomerNotFound(f"No such customer: '{customer_id}'", param="id")
        for field in _PROFILE_FIELDS:
            setattr(customer, field, None)
        customer.metadata = {}
        customer.deleted_at = timezone.now()
        customer.save()
        emit("customer.deleted", customer)
        audit_record(
            context=context,
            action="customer.erased",
            object_type="customer",
            object_id=customer.id,
            merchant_id=customer.merchant_id,
            after={"redacted": [*_PROFILE_FIELDS, "metadata"]},
        )
        return customer
