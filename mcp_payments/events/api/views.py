from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mcp_payments.accounts.permissions import IsAuthenticatedActor, ScopePermission
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.views import ApiView
from mcp_payments.events import selectors

from .serializers import EventSerializer


class EventListView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "events:read"}

    @extend_schema(
        operation_id="events_list",
        parameters=[
            OpenApiParameter("type", str, description="Exact type, or a prefix like payment.*")
        ],
        responses=list_serializer(EventSerializer),
    )
    def get(self, request: Request) -> Response:
        events = selectors.event_list(context=self.ctx, type=request.query_params.get("type"))
        return Response(paginate(request, events, EventSerializer))


class EventDetailView(ApiView):
    permission_classes = [IsAuthenticatedActor, ScopePermission]
    required_scopes = {"GET": "events:read"}

    @extend_schema(operation_id="events_retrieve", responses=EventSerializer)
    def get(self, request: Request, event_id: str) -> Response:
        event = selectors.event_get(context=self.ctx, event_id=event_id)
        return Response(EventSerializer(event).data)
