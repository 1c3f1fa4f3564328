"""Setting a customer's KYC state (merchant admins and the compliance role: scope risk:write)."""

from django.db import transaction

from compliance.models import CustomerKyc
from mcp_payments.accounts.context import AuthContext
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.audit.records import audit_record
from mcp_payments.events.services import emit
from payments.selectors import customer_get


def customer_kyc_set(*, context: AuthContext, customer_id: str, status: str) -> CustomerKyc:
    """Record the customer's KYC state. 404 for another merchant's customer. Emits
    `customer.kyc_updated` (with the previous status); audited. Setting the same state again
    writes nothing."""
    if context.merchant is None:
        raise MerchantRequired()
    with transaction.atomic():
        customer = customer_get(context=context, customer_id=customer_id, for_update=True)
        record = CustomerKyc.objects.select_for_update().filter(customer_id=customer.id).first()
        previous = record.status if record else "unverified"
        if record is not None and record.status == status:
            return record
        if record is None:
            record = CustomerKyc(customer_id=customer.id, merchant_id=customer.merchant_id)
        record.status = status
        record.save()
        emit("customer.kyc_updated", record, previous_attributes={"status": previous})
        audit_record(
            context=context,
            action="customer.kyc_updated",
            object_type="customer",
            object_id=customer.id,
            before={"kyc_status": previous},
            after={"kyc_status": status},
        )
        return record
