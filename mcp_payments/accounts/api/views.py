from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from mcp_payments.accounts import selectors, services
from mcp_payments.accounts.exceptions import MerchantRequired
from mcp_payments.accounts.permissions import IsAuthenticatedActor
from mcp_payments.api.errors import ApplicationError, error_body
from mcp_payments.api.pagination import list_serializer, paginate
from mcp_payments.api.serializers import valid
from mcp_payments.api.views import ApiView

from .serializers import (
    ApiKeyCreatedSerializer,
    ApiKeyCreateSerializer,
    ApiKeySerializer,
    TeamMemberCreatedSerializer,
    TeamMemberCreateSerializer,
    TeamMemberSerializer,
    TeamMemberUpdateSerializer,
    TokenObtainSerializer,
    WhoAmISerializer,
)


class ApiKeyAdminPermission(IsAuthenticatedActor):
    """Keys are managed by merchant admins (dashboard) and platform staff, not by API keys."""

    message = "Only a merchant admin or platform staff may manage API keys."

    def has_permission(self, request: Request, view) -> bool:
        context = request.auth
        if context is None:
            return False
        return context.is_platform_staff or context.role == "admin"


class ApiKeyListView(ApiView):
    permission_classes = [ApiKeyAdminPermission]
    idempotency_secret_fields = ("secret",)

    @extend_schema(operation_id="api_keys_list", responses=list_serializer(ApiKeySerializer))
    def get(self, request: Request) -> Response:
        keys = selectors.api_key_list(context=self.ctx)
        return Response(paginate(request, keys, ApiKeySerializer))

    @extend_schema(
        operation_id="api_keys_create",
        request=ApiKeyCreateSerializer,
        responses={201: ApiKeyCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid(ApiKeyCreateSerializer, request.data)
        if self.ctx.merchant is None:
            raise MerchantRequired()
        policy = data.validated_data.get("agent_policy")
        created = services.api_key_create(
            merchant=self.ctx.merchant,
            scopes=data.validated_data["scopes"],
            name=data.validated_data["name"],
            policy=services.AgentPolicy(**policy) if policy else None,
            context=self.ctx,
        )
        body = ApiKeyCreatedSerializer(created.key, context={"secret": created.secret}).data
        return Response(body, status=201)


class ApiKeyRevokeView(ApiView):
    permission_classes = [ApiKeyAdminPermission]

    @extend_schema(operation_id="api_keys_revoke", request=None, responses=ApiKeySerializer)
    def post(self, request: Request, key_id: str) -> Response:
        key = selectors.api_key_get(context=self.ctx, key_id=key_id)
        key = services.api_key_revoke(key=key, context=self.ctx)
        return Response(ApiKeySerializer(key).data)


_TokenPair = inline_serializer(
    "TokenPair", {"access": serializers.CharField(), "refresh": serializers.CharField()}
)


class _EnvelopeTokenMixin:
    """simplejwt's views with our error envelope instead of `{"detail": ...}`."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if response.status_code == 401 and not isinstance(exc, ApplicationError):
            response.data = error_body(
                type="authentication_error",
                code="invalid_credentials",
                message="Invalid username, password or token.",
            )
        return response


class TokenView(_EnvelopeTokenMixin, TokenObtainPairView):
    serializer_class = TokenObtainSerializer

    @extend_schema(
        operation_id="auth_token_create",
        responses={
            200: _TokenPair,
            401: OpenApiResponse(description="Invalid credentials, or a missing/wrong `otp`"),
            429: OpenApiResponse(description="Locked out after too many failed logins"),
        },
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        return super().post(request, *args, **kwargs)


class TokenRefresh(_EnvelopeTokenMixin, TokenRefreshView):
    @extend_schema(operation_id="auth_token_refresh")
    def post(self, request: Request, *args, **kwargs) -> Response:
        return super().post(request, *args, **kwargs)


class TeamAdminPermission(ApiKeyAdminPermission):
    """The team is managed by merchant admins (dashboard) and platform staff, not by API keys."""

    message = "Only a merchant admin or platform staff may manage the team."


class TeamMemberListView(ApiView):
    permission_classes = [TeamAdminPermission]
    idempotency_secret_fields = ("password",)

    @extend_schema(
        operation_id="team_members_list", responses=list_serializer(TeamMemberSerializer)
    )
    def get(self, request: Request) -> Response:
        if self.ctx.merchant is None:
            raise MerchantRequired()
        members = selectors.member_list(context=self.ctx)
        return Response(paginate(request, members, TeamMemberSerializer))

    @extend_schema(
        operation_id="team_members_create",
        request=TeamMemberCreateSerializer,
        responses={201: TeamMemberCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid(TeamMemberCreateSerializer, request.data)
        if self.ctx.merchant is None:
            raise MerchantRequired()
        created = services.member_create(
            merchant=self.ctx.merchant, **data.validated_data, context=self.ctx
        )
        body = TeamMemberCreatedSerializer(
            created.membership, context={"password": created.password}
        ).data
        return Response(body, status=201)


class TeamMemberView(ApiView):
    permission_classes = [TeamAdminPermission]

    @extend_schema(
        operation_id="team_members_update",
        request=TeamMemberUpdateSerializer,
        responses={200: TeamMemberSerializer},
        description='`{"role": ...}` changes the role; `{"remove": true}` removes the member '
        "(the response then has `deleted: true`). The last admin cannot be demoted or removed "
        "(409 `last_admin`).",
    )
    def post(self, request: Request, member_id: str) -> Response:
        data = valid(TeamMemberUpdateSerializer, request.data)
        member = selectors.member_get(context=self.ctx, member_id=member_id)
        if data.validated_data["remove"]:
            body = dict(TeamMemberSerializer(member).data, deleted=True)
            services.member_remove(membership=member, context=self.ctx)
            return Response(body)
        member = services.membership_set_role(
            membership=member, role=data.validated_data["role"], context=self.ctx
        )
        return Response(TeamMemberSerializer(member).data)


class WhoAmIView(ApiView):
    """The caller: the dashboard reads its role and scopes here to hide what it cannot do."""

    permission_classes = [IsAuthenticatedActor]

    @extend_schema(operation_id="team_me", responses=WhoAmISerializer)
    def get(self, request: Request) -> Response:
        ctx = self.ctx
        merchant = ctx.merchant
        body = {
            "object": "actor",
            "actor_type": ctx.actor_type,
            "username": ctx.user.get_username() if ctx.user is not None else None,
            "role": ctx.role,
            "is_platform_staff": ctx.is_platform_staff,
            "merchant": merchant.id if merchant else None,
            "merchant_name": merchant.name if merchant else None,
            "scopes": sorted(ctx.scopes),
        }
        return Response(WhoAmISerializer(body).data)
