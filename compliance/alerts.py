"""Compliance alerts: opened once per dedupe key, each with its `compliance.alert_opened` event."""

from typing import Any

from django.db import transaction

from mcp_payments.events.services import emit

from .models import Alert


def alert_open(
    *,
    kind: str,
    severity: str,
    dedupe_key: str,
    merchant_id: str | None = None,
    object_id: str = "",
    details: dict[str, Any] | None = None,
) -> Alert | None:
    """Open the alert of `dedupe_key` and emit `compliance.alert_opened`; None when that alert
    was already opened (idempotent: rules re-run on redelivered events)."""
    with transaction.atomic():
        alert, created = Alert.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={
                "kind": kind,
                "severity": severity,
                "merchant_id": merchant_id,
                "object_id": object_id,
                "details": details or {},
            },
        )
        if not created:
            return None
        emit("compliance.alert_opened", alert)
    return alert
