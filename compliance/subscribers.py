"""Compliance learns about payments through their events."""

from typing import Any

from mcp_payments.events.subscribers import subscriber

from .aml import aml_screen_payment


@subscriber("compliance", "payment.succeeded", name="compliance.aml")
def aml_monitoring(event: dict[str, Any]) -> None:
    aml_screen_payment(event=event)
