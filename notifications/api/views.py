import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, ScopePermission
from mcp_payments.api.filters import ListFilterSet, query_filters
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.serializers import valid
from mcp_payments.api.views import ApiView
from notifications import selectors
from notifications.enums import DeliveryStatus, EndpointStatus
from notifications.representations import (
    DeletedWebhookEndpointSerializer,
    NotificationPreferencesSerializer,
    NotificationSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
    WebhookEndpointWithSecretSerializer,
)
from notifications.selectors import Preferences
from notifications.services import deliveries, endpoints, inapp

from .serializers import (
    NotificationPreferencesUpdateSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointUpdateSerializer,
)

WEBHOOK_SCOPES = {"GET": "webhooks:read", "POST": "webhooks:write", "DELETE": "webhooks:write"}


def _with_secret(endpoint, secret: str) -> dict:
    return {**WebhookEndpointSerializer(endpoint).data, "secret": secret}


class EndpointFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=EndpointStatus.choices)


class DeliveryFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=DeliveryStatus.choices)


class NotificationFilter(ListFilterSet):
    unread = django_filters.BooleanFilter(help_text="true: unread only; false: read only.")


class WebhookEndpointListView(ApiView):
    filterset_class = EndpointFilter
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    idempotency_secret_fields = ("secret",)
    required_scopes = WEBHOOK_SCOPES

    @extend_schema(
        operation_id="webhook_endpoints_list",
        responses=list_serializer(WebhookEndpointSerializer),
    )
    def get(self, request: Request) -> Response:
        found = selectors.webhook_endpoint_list(
            context=self.ctx, status=query_filters(request, EndpointFilter).get("status")
        )
        return Response(paginate(request, found, WebhookEndpointSerializer))

    @extend_schema(
        operation_id="webhook_endpoints_create",
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointWithSecretSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid(WebhookEndpointCreateSerializer, request.data)
        endpoint, secret = endpoints.webhook_endpoint_create(
            context=self.ctx, **data.validated_data
        )
        return Response(_with_secret(endpoint, secret), status=201)


class WebhookEndpointDetailView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = WEBHOOK_SCOPES

    @extend_schema(operation_id="webhook_endpoints_retrieve", responses=WebhookEndpointSerializer)
    def get(self, request: Request, endpoint_id: str) -> Response:
        endpoint = selectors.webhook_endpoint_get(context=self.ctx, endpoint_id=endpoint_id)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhook_endpoints_update",
        request=WebhookEndpointUpdateSerializer,
        responses={200: WebhookEndpointSerializer},
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        data = valid(WebhookEndpointUpdateSerializer, request.data)
        endpoint = endpoints.webhook_endpoint_update(
            context=self.ctx, endpoint_id=endpoint_id, **data.validated_data
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhook_endpoints_delete", responses={200: DeletedWebhookEndpointSerializer}
    )
    def delete(self, request: Request, endpoint_id: str) -> Response:
        endpoint = endpoints.webhook_endpoint_delete(context=self.ctx, endpoint_id=endpoint_id)
        return Response({"id": endpoint.id, "object": "webhook_endpoint", "deleted": True})


class WebhookEndpointRotateSecretView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    idempotency_secret_fields = ("secret",)
    required_scopes = {"POST": "webhooks:write"}

    @extend_schema(
        operation_id="webhook_endpoints_rotate_secret",
        request=None,
        responses={200: WebhookEndpointWithSecretSerializer},
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        endpoint, secret = endpoints.webhook_endpoint_rotate_secret(
            context=self.ctx, endpoint_id=endpoint_id
        )
        return Response(_with_secret(endpoint, secret))


class WebhookDeliveryListView(ApiView):
    filterset_class = DeliveryFilter
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "webhooks:read"}

    @extend_schema(
        operation_id="webhook_deliveries_list",
        responses=list_serializer(WebhookDeliverySerializer),
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        found = selectors.webhook_delivery_list(
            context=self.ctx,
            endpoint_id=endpoint_id,
            status=query_filters(request, DeliveryFilter).get("status"),
        )
        return Response(paginate(request, found, WebhookDeliverySerializer))


class WebhookDeliveryRetryView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"POST": "webhooks:write"}

    @extend_schema(
        operation_id="webhook_deliveries_retry",
        request=None,
        responses={200: WebhookDeliverySerializer},
    )
    def post(self, request: Request, delivery_id: str) -> Response:
        delivery = deliveries.webhook_delivery_retry(context=self.ctx, delivery_id=delivery_id)
        return Response(WebhookDeliverySerializer(delivery).data)


class NotificationListView(ApiView):
    """The calling dashboard user's notifications (API keys: 403)."""

    permission_classes = [IsAuthenticatedActor]
    filterset_class = NotificationFilter

    @extend_schema(
        operation_id="notifications_list",
        responses=list_serializer(NotificationSerializer),
    )
    def get(self, request: Request) -> Response:
        unread = query_filters(request, NotificationFilter).get("unread")
        found = selectors.notification_list(context=self.ctx, unread=unread)
        return Response(paginate(request, found, NotificationSerializer))


class NotificationReadView(ApiView):
    permission_classes = [IsAuthenticatedActor]

    @extend_schema(
        operation_id="notifications_read", request=None, responses={200: NotificationSerializer}
    )
    def post(self, request: Request, notification_id: str) -> Response:
        notification = inapp.notification_mark_read(
            context=self.ctx, notification_id=notification_id
        )
        return Response(NotificationSerializer(notification).data)


def _preferences_body(preferences: Preferences) -> dict:
    return {
        "object": "notification_preferences",
        "phone": preferences.phone,
        "channels": preferences.channels,
    }


class NotificationPreferencesView(ApiView):
    permission_classes = [IsAuthenticatedActor]

    @extend_schema(
        operation_id="notification_preferences_retrieve",
        responses=NotificationPreferencesSerializer,
    )
    def get(self, request: Request) -> Response:
        return Response(_preferences_body(selectors.preferences_get(context=self.ctx)))

    @extend_schema(
        operation_id="notification_preferences_update",
        request=NotificationPreferencesUpdateSerializer,
        responses={200: NotificationPreferencesSerializer},
    )
    def put(self, request: Request) -> Response:
        selectors.require_dashboard_user(self.ctx)
        data = valid(NotificationPreferencesUpdateSerializer, request.data)
        preferences = inapp.preferences_update(
            context=self.ctx,
            channels=data.validated_data.get("channels"),
            phone=data.validated_data.get("phone", ...),
        )
        return Response(_preferences_body(preferences))
