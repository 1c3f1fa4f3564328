"""SMS providers: `send(to, text)`. `SMS_PROVIDER` picks one: `console` (the default: logs the
message with the number masked) or `http`, a Twilio-style REST API:

    POST {SMS_HTTP_BASE_URL}/Accounts/{SMS_ACCOUNT_SID}/Messages.json
    form fields To, From, Body; HTTP basic auth SMS_ACCOUNT_SID:SMS_AUTH_TOKEN

Failures are split: `SmsRetryable` (network, timeout, 429, 5xx) and `SmsFailed` (other 4xx).
A full phone number is never logged.
"""

import base64
import logging
from typing import Protocol
from urllib.parse import quote, urlencode

import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError as Urllib3Error

logger = logging.getLogger(__name__)


class SmsRetryable(Exception):
    pass


class SmsFailed(Exception):
    pass


def mask_phone(number: str) -> str:
    """`+*******4567`: the last 4 digits only."""
    digits = "".join(char for char in number if char.isdigit())
    prefix = "+" if number.strip().startswith("+") else ""
    return prefix + "*" * max(len(digits) - 4, 0) + digits[-4:]


class SmsProvider(Protocol):
    def send(self, to: str, text: str) -> str:
        """Send `text` to `to` (E.164); returns the provider's message id."""
        ...


class ConsoleSmsProvider:
    def send(self, to: str, text: str) -> str:
        logger.info("sms to %s: %s", mask_phone(to), text)
        return "console"


class HttpSmsProvider:
    def __init__(
        self,
        *,
        base_url: str,
        account_sid: str,
        auth_token: str,
        sender: str,
        timeout: float,
    ) -> None:
        self.url = f"{base_url.rstrip('/')}/Accounts/{quote(account_sid, safe='')}/Messages.json"
        credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.authorization = f"Basic {credentials}"
        self.sender = sender
        self.timeout = timeout
        self.http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(total=timeout))

    def send(self, to: str, text: str) -> str:
        body = urlencode({"To": to, "From": self.sender, "Body": text})
        try:
            response = self.http.request(
                "POST",
                self.url,
                body=body,
                headers={
                    "Authorization": self.authorization,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
                redirect=False,
            )
        except (Urllib3Error, OSError) as exc:
            raise SmsRetryable(f"{type(exc).__name__}") from exc
        status = response.status
        if status == 429 or status >= 500:
            raise SmsRetryable(f"SMS provider answered {status}")
        if not 200 <= status < 300:
            raise SmsFailed(f"SMS provider answered {status}")
        try:
            message_id = str(response.json().get("sid", ""))
        except ValueError:
            message_id = ""
        logger.info("sms to %s accepted (%s)", mask_phone(to), message_id)
        return message_id


def get_provider() -> SmsProvider:
    if settings.SMS_PROVIDER == "http":
        return HttpSmsProvider(
            base_url=settings.SMS_HTTP_BASE_URL,
            account_sid=settings.SMS_ACCOUNT_SID,
            auth_token=settings.SMS_AUTH_TOKEN,
            sender=settings.SMS_FROM,
            timeout=settings.SMS_TIMEOUT_SECONDS,
        )
    if settings.SMS_PROVIDER == "console":
        return ConsoleSmsProvider()
    raise ValueError(f"Unknown SMS_PROVIDER {settings.SMS_PROVIDER!r} (console or http)")
