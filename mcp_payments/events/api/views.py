import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, IsPlatformStaff, ScopePermission
from mcp_payments.api.filters import ListFilterSet, query_filters
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.serializers import valid
from mcp_payments.api.views import ApiView
from mcp_payments.events import dead_letters, selectors

from .serializers import (
    DeadLetterReplayResultSerializer,
    DeadLetterReplaySerializer,
    DeadLetterSerializer,
    EventSerializer,
)


class DeadLetterFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=[("pending", "pending"), ("replayed", "replayed")])


class EventListView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "events:read"}

    @extend_schema(
        operation_id="events_list",
        parameters=[
            OpenApiParameter("type", str, description="Exact type, or a prefix like payment.*"),
            OpenApiParameter("object", str, description="Only events of this object id."),
        ],
        responses=list_serializer(EventSerializer),
    )
    def get(self, request: Request) -> Response:
        events = selectors.event_list(
            context=self.ctx,
            type=request.query_params.get("type"),
            object_id=request.query_params.get("object"),
        )
        return Response(paginate(request, events, EventSerializer))


class EventDetailView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "events:read"}

    @extend_schema(operation_id="events_retrieve", responses=EventSerializer)
    def get(self, request: Request, event_id: str) -> Response:
        event = selectors.event_get(context=self.ctx, event_id=event_id)
        return Response(EventSerializer(event).data)


class DeadLetterListView(ApiView):
    """Platform staff: messages the subscriber queues gave up on."""

    filterset_class = DeadLetterFilter

    permission_classes = [IsAuthenticatedActor, IsPlatformStaff, ScopePermission]
    required_scopes = {"GET": "system:read"}

    @extend_schema(
        operation_id="system_dead_letters_list",
        parameters=[
            OpenApiParameter("queue", str, description="e.g. events.analytics"),
        ],
        responses=list_serializer(DeadLetterSerializer),
    )
    def get(self, request: Request) -> Response:
        letters = dead_letters.dead_letter_list(
            queue=request.query_params.get("queue"),
            status=query_filters(request, DeadLetterFilter).get("status"),
        )
        return Response(paginate(request, letters, DeadLetterSerializer))


class DeadLetterReplayView(ApiView):
    """Platform staff: republish dead letters (all, one queue's, or by ids) to their queue."""

    permission_classes = [IsAuthenticatedActor, IsPlatformStaff]

    @extend_schema(
        operation_id="system_dead_letters_replay",
        request=DeadLetterReplaySerializer,
        responses=DeadLetterReplayResultSerializer,
    )
    def post(self, request: Request) -> Response:
        data = valid(DeadLetterReplaySerializer, request.data)
        replayed = dead_letters.dead_letter_replay(
            ids=data.validated_data.get("ids"),
            queue=data.validated_data.get("queue"),
            all=data.validated_data.get("all", False),
        )
        body = {"object": "dead_letter_replay", "replayed": len(replayed), "dead_letters": replayed}
        return Response(body)
