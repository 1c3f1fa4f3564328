"""Compliance alerts: opened once per dedupe key, each with its `compliance.alert_opened` event."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from mcp_payments.accounts.context import AuthContext
from mcp_payments.api.errors import Conflict
from mcp_payments.events.services import emit

from .audit import audit_record
from .models import Alert, AlertStatus
from .selectors.alerts import alert_get


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


class AlertAlreadyResolved(Conflict):
    code = "alert_already_resolved"
    message = "This alert is already resolved."


def alert_resolve(*, context: AuthContext, alert_id: str, note: str = "") -> Alert:
    """Resolve an open alert; emits `compliance.alert_resolved`; audited."""
    with transaction.atomic():
        alert = alert_get(context=context, alert_id=alert_id)
        updated = Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
            status=AlertStatus.RESOLVED, resolved_at=timezone.now()
        )
        if not updated:
            raise AlertAlreadyResolved()
        alert.refresh_from_db()
        emit("compliance.alert_resolved", alert)
        audit_record(
            context=context,
            action="compliance.alert_resolved",
            object_type="compliance_alert",
            object_id=alert.id,
            merchant_id=alert.merchant_id,
            after={"status": alert.status, "note": note},
        )
        return alert
