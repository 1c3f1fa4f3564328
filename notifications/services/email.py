"""Email through Django's email framework (SMTP settings from the environment), rendered from
templates: `notifications/email/<template>/subject.txt`, `body.txt` and `body.html`.

`email_queue` (and `notify_merchant_admins`) queue the `send_email` job at commit; the job calls
`email_send`, which separates retryable SMTP failures (connection, timeout, 4xx) from final ones
(5xx, every recipient refused).
"""

import logging
import smtplib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from mcp_payments.accounts.models import Merchant
from mcp_payments.api.money import CURRENCY_EXPONENTS

from ..jobs import queue_email
from ..selectors import merchant_recipients

logger = logging.getLogger(__name__)

TEMPLATES: frozenset[str] = frozenset(
    {
        "payment_receipt",
        "refund_receipt",
        "payout_paid",
        "payout_failed",
        "dispute_opened",
        "webhook_endpoint_disabled",
        "report_ready",
        "agent_approval_requested",
        "compliance_alert",
        "payment_failed",
        "risk_review_opened",
    }
)
# The notification kind whose email preference decides who gets a template.
TEMPLATE_KINDS: dict[str, str] = {
    "payout_paid": "payout.paid",
    "payout_failed": "payout.failed",
    "dispute_opened": "dispute.created",
    "webhook_endpoint_disabled": "webhook_endpoint.disabled",
    "report_ready": "report.ready",
    "agent_approval_requested": "agent.approval_requested",
    "compliance_alert": "compliance.alert_opened",
    "payment_failed": "payment.failed",
    "risk_review_opened": "risk.review_opened",
}


class EmailRetryable(Exception):
    """The SMTP server could not be reached or answered 4xx: try again later."""


class EmailFailed(Exception):
    """The SMTP server refused the message for good (5xx)."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def format_amount(amount: int, currency: str) -> str:
    """`12.34 USD` from 1234 and `usd` (minor units, exponent of the currency)."""
    exponent = CURRENCY_EXPONENTS.get(currency.lower(), 2)
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(int(amount)), 10**exponent)
    number = f"{whole:,}" + (f".{fraction:0{exponent}d}" if exponent else "")
    return f"{sign}{number} {currency.upper()}"


def render_email(template: str, context: dict[str, Any]) -> RenderedEmail:
    if template not in TEMPLATES:
        raise ValueError(f"Unknown email template {template!r}")
    base = f"notifications/email/{template}"
    context = {"platform_name": "MCP Payments", **context}
    subject = " ".join(render_to_string(f"{base}/subject.txt", context).split())
    return RenderedEmail(
        subject=subject,
        text=render_to_string(f"{base}/body.txt", context),
        html=render_to_string(f"{base}/body.html", context),
    )


def email_send(*, template: str, to: list[str], context: dict[str, Any]) -> int:
    """Render and send one message per recipient (recipients never see each other) over one SMTP
    connection; returns how many were sent. Raises EmailRetryable or EmailFailed."""
    rendered = render_email(template, context)
    messages = []
    for address in to:
        message = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        )
        message.attach_alternative(rendered.html, "text/html")
        messages.append(message)
    try:
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
        sent = connection.send_messages(messages)
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise EmailRetryable(f"SMTP {exc.smtp_code}") from exc
        raise EmailFailed(f"SMTP {exc.smtp_code}") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise EmailFailed("every recipient was refused") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise EmailRetryable(type(exc).__name__) from exc
    logger.info("email %s sent to %d recipient(s)", template, sent or 0)
    return sent or 0


def email_queue(*, template: str, to: list[str], context: dict[str, Any]) -> None:
    """Send `template` to `to` after the current transaction commits (the `send_email` job)."""
    if template not in TEMPLATES:
        raise ValueError(f"Unknown email template {template!r}")
    queue_email(template=template, to=sorted(set(to)), context=context)


def merchant_name(merchant_id: str) -> str:
    return Merchant.objects.filter(pk=merchant_id).values_list("name", flat=True).first() or ""


def notify_merchant_admins(*, merchant_id: str, template: str, context: dict[str, Any]) -> int:
    """Email `template` to the merchant's admins who keep email on for the template's kind
    (`report_ready`, `agent_approval_requested`, ...), after commit. Returns how many."""
    kind = TEMPLATE_KINDS.get(template, "")
    recipients = [
        recipient.email
        for recipient in merchant_recipients(
            merchant_id=merchant_id, kind=kind, roles=frozenset({"admin"})
        )
        if recipient.email and (not kind or "email" in recipient.channels)
    ]
    email_queue(
        template=template,
        to=recipients,
        context={"merchant_name": merchant_name(merchant_id), **context},
    )
    return len(recipients)
