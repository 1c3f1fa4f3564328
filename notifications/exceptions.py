"""Errors of the notifications app (one code per failure)."""

from mcp_payments.api.errors import ApplicationError, Conflict, InvalidRequest, NotFound


class WebhookEndpointNotFound(NotFound):
    message = "No such webhook endpoint."


class WebhookDeliveryNotFound(NotFound):
    message = "No such webhook delivery."


class NotificationNotFound(NotFound):
    message = "No such notification."


class InvalidWebhookUrl(InvalidRequest):
    code = "url_invalid"
    param = "url"


class InvalidEnabledEvents(InvalidRequest):
    code = "enabled_events_invalid"
    param = "enabled_events"


class WebhookEndpointDisabled(Conflict):
    code = "webhook_endpoint_disabled"
    message = "This webhook endpoint is disabled; enable it before resending."


class InvalidPreferences(InvalidRequest):
    code = "parameter_invalid"


class DashboardUserRequired(ApplicationError):
    type = "permission_error"
    code = "dashboard_user_required"
    status = 403
    message = (
        "Notifications belong to dashboard users: authenticate with a user's access token "
        "(POST /api/v1/auth/token), not an API key."
    )
