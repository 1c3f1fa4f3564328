"""Notifications learn about the platform through events (domain `notifications`)."""

from typing import Any

from mcp_payments.events.subscribers import subscriber

from .messages import MERCHANT_EVENT_TYPES
from .services.contacts import customer_contact_apply, payment_customer_remember, receipt_send
from .services.deliveries import deliveries_create_for_events
from .services.dispatch import merchant_users_notify

WEBHOOKS = "notifications.webhooks"
CONTACTS = "notifications.contacts"
RECEIPTS = "notifications.receipts"
MERCHANT_USERS = "notifications.merchant_users"


@subscriber("notifications", "#", name=WEBHOOKS, batch=True)
def webhooks(events: list[dict[str, Any]]) -> None:
    """Every event: one delivery per matching enabled endpoint of its merchant."""
    deliveries_create_for_events(events=events)


# Sorted by name, `contacts` runs before `receipts` on a batch: a customer created and paid in
# the same batch gets the receipt.
@subscriber(
    "notifications",
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "payment.succeeded",
    name=CONTACTS,
)
def contacts(event: dict[str, Any]) -> None:
    if event["type"] == "payment.succeeded":
        payment_customer_remember(event=event)
    else:
        customer_contact_apply(event=event)


@subscriber("notifications", "payment.succeeded", "refund.succeeded", name=RECEIPTS)
def receipts(event: dict[str, Any]) -> None:
    receipt_send(event=event)


@subscriber("notifications", *MERCHANT_EVENT_TYPES, name=MERCHANT_USERS)
def merchant_users(event: dict[str, Any]) -> None:
    merchant_users_notify(event=event)
