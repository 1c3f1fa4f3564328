from django.db.models import QuerySet

from mcp_payments.accounts.context import AuthContext
from mcp_payments.api.errors import NotFound

from ..models import Alert


def alert_list(*, context: AuthContext, status: str | None = None) -> QuerySet[Alert]:
    """The merchant's alerts; platform staff also see platform-wide ones (no merchant)."""
    alerts = Alert.objects.all()
    if context.merchant is not None:
        alerts = alerts.filter(merchant_id=context.merchant.id)
    elif not context.is_platform_staff:
        alerts = alerts.none()
    return alerts.filter(status=status) if status else alerts


def alert_get(*, context: AuthContext, alert_id: str) -> Alert:
    alert = alert_list(context=context).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(f"No such alert: '{alert_id}'", param="id")
    return alert
