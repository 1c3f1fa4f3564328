"""Customers' contact details and receipts, learned from events only (notifications may not
read payments' models): `CustomerContact` follows `customer.*`; `PaymentCustomer` remembers who
paid a payment, so a refund's receipt finds them."""

from typing import Any

from ..jobs import queue_sms
from ..models import CustomerContact, MerchantNotificationSettings, PaymentCustomer
from .email import email_queue, format_amount, merchant_name


def customer_contact_apply(*, event: dict[str, Any]) -> None:
    """Apply a `customer.created|updated|deleted` event to the projection; an event older (by
    `sequence`) than the one applied last is dropped; deletion erases the details."""
    obj = event["data"]["object"]
    sequence = int(event.get("sequence") or 0)
    deleted = event["type"] == "customer.deleted" or bool(obj.get("deleted"))
    values = {
        "merchant_id": event["merchant"],
        "email": "" if deleted else obj.get("email") or "",
        "name": "" if deleted else obj.get("name") or "",
        "phone": "" if deleted else obj.get("phone") or "",
        "deleted": deleted,
        "sequence": sequence,
    }
    current = CustomerContact.objects.select_for_update().filter(pk=obj["id"]).first()
    if current is None:
        CustomerContact.objects.create(customer_id=obj["id"], **values)
        return
    if current.deleted or (sequence and sequence < current.sequence):
        return  # erased for good, or a stale update
    CustomerContact.objects.filter(pk=obj["id"]).update(**values)


def payment_customer_remember(*, event: dict[str, Any]) -> None:
    obj = event["data"]["object"]
    if obj.get("customer") and event.get("merchant"):
        PaymentCustomer.objects.get_or_create(
            payment_id=obj["id"],
            defaults={"merchant_id": event["merchant"], "customer_id": obj["customer"]},
        )


def _settings(merchant_id: str) -> MerchantNotificationSettings:
    found = MerchantNotificationSettings.objects.filter(merchant_id=merchant_id).first()
    return found or MerchantNotificationSettings(merchant_id=merchant_id)


def receipt_send(*, event: dict[str, Any]) -> bool:
    """Queue the customer's receipt of a `payment.succeeded` or `refund.succeeded` event, by email
    (unless the merchant turned receipts off) and by SMS (when the merchant turned SMS receipts
    on and the customer has a phone). True when something was queued."""
    obj = event["data"]["object"]
    merchant_id = event.get("merchant")
    if not merchant_id:
        return False
    if event["type"] == "payment.succeeded":
        customer_id, template, noun = obj.get("customer"), "payment_receipt", "Payment"
    else:
        link = PaymentCustomer.objects.filter(payment_id=obj.get("payment")).first()
        customer_id = link.customer_id if link else None
        template, noun = "refund_receipt", "Refund"
    contact = CustomerContact.objects.filter(pk=customer_id, deleted=False).first()
    if contact is None:
        return False
    options = _settings(merchant_id)
    amount = format_amount(int(obj.get("amount") or 0), str(obj.get("currency") or "usd"))
    name = merchant_name(merchant_id)
    queued = False
    if options.customer_email_receipts and contact.email:
        email_queue(
            template=template,
            to=[contact.email],
            context={
                "merchant_name": name,
                "customer_name": contact.name,
                "amount": amount,
                "object_id": obj["id"],
                "payment_id": obj.get("payment") or obj["id"],
                "description": obj.get("description") or "",
                "created": obj.get("created") or "",
            },
        )
        queued = True
    if options.customer_sms_receipts and contact.phone:
        queue_sms(to=contact.phone, text=f"{name}: {noun} of {amount} ({obj['id']}). Thank you.")
        queued = True
    return queued
