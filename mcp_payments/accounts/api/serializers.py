from django.contrib.auth.signals import user_login_failed
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from mcp_payments.accounts.exceptions import LoginLockedOut, OtpInvalid
from mcp_payments.accounts.scopes import ALL_SCOPES, WILDCARD
from mcp_payments.api.serializers import (
    AmountField,
    CurrencyField,
    ObjectSerializer,
    StrictSerializer,
    TimestampField,
)
from mcp_payments.backoffice.security import otp_required, otp_verify


class AgentPolicySerializer(StrictSerializer):
    max_amount_per_call = AmountField(required=False, allow_null=True)
    daily_limit = serializers.DictField(child=AmountField(), required=False)
    approval_above = AmountField(required=False, allow_null=True)
    allowed_tools = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, allow_null=True, max_length=200
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    read_only = serializers.BooleanField(required=False, default=False)

    def validate_daily_limit(self, value: dict) -> dict:
        field = CurrencyField()
        return {field.to_internal_value(currency): amount for currency, amount in value.items()}


class ApiKeyCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=[WILDCARD, *ALL_SCOPES]), min_length=1
    )
    agent_policy = AgentPolicySerializer(required=False, allow_null=True)


class AgentPolicyOutSerializer(serializers.Serializer):
    max_amount_per_call = serializers.IntegerField(allow_null=True)
    daily_limit = serializers.DictField(child=serializers.IntegerField())
    approval_above = serializers.IntegerField(allow_null=True)
    allowed_tools = serializers.ListField(child=serializers.CharField(), allow_null=True)
    expires_at = TimestampField(allow_null=True)
    read_only = serializers.BooleanField()


class ApiKeySerializer(ObjectSerializer):
    object_name = "api_key"

    created = TimestampField()
    name = serializers.CharField()
    mode = serializers.CharField()
    merchant = serializers.CharField(source="merchant_id")
    redacted_secret = serializers.SerializerMethodField()
    scopes = serializers.ListField(child=serializers.CharField())
    last_used_at = TimestampField(allow_null=True)
    revoked_at = TimestampField(allow_null=True)
    agent_policy = serializers.SerializerMethodField()

    def get_redacted_secret(self, key) -> str:
        return f"sk_{key.mode}_…{key.secret_last4}"

    def get_agent_policy(self, key) -> dict | None:
        if not key.has_agent_policy:
            return None
        return AgentPolicyOutSerializer(key).data


class ApiKeyCreatedSerializer(ApiKeySerializer):
    secret = serializers.SerializerMethodField()

    def get_secret(self, key) -> str:
        return self.context["secret"]


class TeamMemberSerializer(ObjectSerializer):
    object_name = "team_member"

    id = serializers.CharField(source="pk", read_only=True)
    created = TimestampField()
    user = serializers.IntegerField(source="user_id")
    username = serializers.CharField(source="user.username")
    email = serializers.CharField(source="user.email")
    role = serializers.CharField()


class TeamMemberCreatedSerializer(TeamMemberSerializer):
    password = serializers.SerializerMethodField()

    def get_password(self, membership) -> str:
        return self.context["password"]


class TeamMemberCreateSerializer(StrictSerializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    # Not a ChoiceField: the service owns the role list and its 400 `param: role`.
    role = serializers.CharField(max_length=16)


class TeamMemberUpdateSerializer(StrictSerializer):
    role = serializers.CharField(max_length=16, required=False)
    remove = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict) -> dict:
        if attrs.get("remove") == ("role" in attrs):
            raise serializers.ValidationError(
                {"role": "Send either `role` or `remove: true`."}, code="invalid"
            )
        return attrs


class WhoAmISerializer(serializers.Serializer):
    object = serializers.CharField(help_text="Always `actor`.")
    actor_type = serializers.CharField(help_text="`user` or `api_key`.")
    username = serializers.CharField(allow_null=True)
    role = serializers.CharField(allow_null=True)
    is_platform_staff = serializers.BooleanField()
    merchant = serializers.CharField(allow_null=True)
    merchant_name = serializers.CharField(allow_null=True)
    scopes = serializers.ListField(child=serializers.CharField())


class TokenObtainSerializer(TokenObtainPairSerializer):
    """Username and password, plus `otp` (the current TOTP code) for platform staff when
    `STAFF_OTP_REQUIRED` is on and for any user enrolled with a device. Failures count towards
    django-axes' lockout; a locked-out username gets 429 `login_locked_out`."""

    otp = serializers.CharField(required=False, allow_blank=True, max_length=8, write_only=True)

    def validate(self, attrs: dict) -> dict[str, str]:
        request = self.context["request"]
        try:
            data = super().validate(attrs)
        except AuthenticationFailed:
            if getattr(request, "axes_locked_out", False):
                raise LoginLockedOut() from None
            raise
        if otp_required(self.user) and otp_verify(self.user, attrs.get("otp")) is None:
            user_login_failed.send(
                sender=type(self),
                credentials={"username": attrs[self.username_field]},
                request=request,
            )
            raise OtpInvalid()
        return data
