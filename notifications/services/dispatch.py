"""From an event to the merchant's users, on each user's channels (email, SMS, in-app)."""

from typing import Any

from ..enums import Channel
from ..jobs import queue_sms
from ..messages import MerchantMessage, merchant_message
from ..selectors import merchant_recipients
from .email import email_queue, merchant_name
from .inapp import notifications_create


def merchant_users_notify(*, event: dict[str, Any]) -> MerchantMessage | None:
    """Tell the merchant's users concerned by `event` (roles of its kind, preferences per user):
    in-app notifications now, emails and SMS after commit. Building block of the notifications
    subscriber (its transaction). Returns the message, or None when the event warrants none."""
    merchant_id = event.get("merchant")
    message = merchant_message(event) if merchant_id else None
    if message is None:
        return None
    recipients = merchant_recipients(merchant_id=merchant_id, kind=message.kind)
    obj_id = event["data"]["object"]["id"]
    notifications_create(
        merchant_id=merchant_id,
        user_ids=[r.user_id for r in recipients if Channel.IN_APP in r.channels],
        kind=message.kind,
        title=message.title,
        body=message.body,
        object_id=obj_id,
        event_id=event["id"],
    )
    emails = [r.email for r in recipients if Channel.EMAIL in r.channels and r.email]
    if emails:
        context = {
            "merchant_name": merchant_name(merchant_id),
            "title": message.title,
            "body": message.body,
            "event_id": event["id"],
            **message.context,
        }
        email_queue(template=message.template, to=emails, context=context)
    if message.sms_text:
        for recipient in recipients:
            if Channel.SMS in recipient.channels and recipient.phone:
                queue_sms(to=recipient.phone, text=message.sms_text)
    return message
