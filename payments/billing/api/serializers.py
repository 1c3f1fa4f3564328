"""Input serializers of the billing endpoints (strict: unknown fields are refused)."""

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mcp_payments.api.serializers import (
    AmountField,
    CurrencyField,
    MetadataField,
    StrictSerializer,
)

from ..enums import (
    CollectionMethod,
    CouponDuration,
    DunningInvoiceAction,
    DunningSubscriptionAction,
    Interval,
    PauseBehavior,
    ProrationBehavior,
    TrialEndBehavior,
)

MAX_INTERVAL_DAYS = {"day": 365, "week": 52, "month": 12, "year": 1}


class ProductCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=250)
    description = serializers.CharField(max_length=1000, required=False, allow_null=True)
    active = serializers.BooleanField(required=False, default=True)
    unit_label = serializers.CharField(max_length=12, required=False, allow_null=True)
    metadata = MetadataField(required=False, default=dict)


class ProductUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=250, required=False)
    description = serializers.CharField(max_length=1000, required=False, allow_null=True)
    active = serializers.BooleanField(required=False)
    default_price = serializers.CharField(max_length=40, required=False, allow_null=True)
    unit_label = serializers.CharField(max_length=12, required=False, allow_null=True)
    metadata = MetadataField(required=False)


class RecurringInput(StrictSerializer):
    interval = serializers.ChoiceField(choices=Interval.values)
    interval_count = serializers.IntegerField(min_value=1, required=False, default=1)
    usage_type = serializers.ChoiceField(choices=["licensed"], required=False)
    trial_period_days = serializers.IntegerField(
        min_value=1, max_value=730, required=False, allow_null=True
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["interval_count"] > MAX_INTERVAL_DAYS[data["interval"]]:
            raise serializers.ValidationError(
                {"interval_count": ["interval x interval_count must be at most one year."]}
            )
        data.pop("usage_type", None)
        return data


class NonNegativeAmountField(AmountField):
    def to_internal_value(self, data: Any) -> int:
        if data == 0 and not isinstance(data, bool):
            return 0
        return super().to_internal_value(data)


class PriceCreateSerializer(StrictSerializer):
    product = serializers.CharField(max_length=40)
    currency = CurrencyField()
    unit_amount = NonNegativeAmountField()
    recurring = RecurringInput(required=False, allow_null=True)
    active = serializers.BooleanField(required=False, default=True)
    lookup_key = serializers.CharField(max_length=200, required=False, allow_null=True)
    nickname = serializers.CharField(max_length=250, required=False, allow_null=True)
    metadata = MetadataField(required=False, default=dict)


class PriceUpdateSerializer(serializers.Serializer):
    """Not strict: a change of a fixed field reaches the service, which answers
    `price_immutable` (400) rather than `parameter_unknown`."""

    active = serializers.BooleanField(required=False)
    lookup_key = serializers.CharField(max_length=200, required=False, allow_null=True)
    nickname = serializers.CharField(max_length=250, required=False, allow_null=True)
    metadata = MetadataField(required=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        known = super().to_internal_value(data)
        if isinstance(data, dict):
            for key in data:
                if key not in self.fields:
                    known[key] = data[key]
        return known


class ItemInput(StrictSerializer):
    id = serializers.CharField(max_length=40, required=False)
    price = serializers.CharField(max_length=40, required=False)
    quantity = serializers.IntegerField(min_value=1, required=False)
    deleted = serializers.BooleanField(required=False, default=False)
    metadata = MetadataField(required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data.get("id") and not data.get("price"):
            raise serializers.ValidationError({"price": ["A new item needs a price."]})
        data.pop("metadata", None)
        return data


@extend_schema_field(OpenApiTypes.STR)
class TrialEndField(serializers.JSONField):
    """`"now"` or a timestamp (unix seconds or RFC 3339)."""

    json_schema: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"const": "now"},
            {"type": "integer", "minimum": 0},
            {"type": "string", "format": "date-time"},
        ]
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", '"now", unix seconds or an RFC 3339 time.')
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if data == "now":
            return "now"
        return _timestamp(self, data)


def _timestamp(field: serializers.Field, data: Any):
    from datetime import UTC, datetime

    if isinstance(data, int) and not isinstance(data, bool):
        return datetime.fromtimestamp(data, tz=UTC)
    if isinstance(data, str):
        try:
            value = datetime.fromisoformat(data.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    raise serializers.ValidationError("Expected unix seconds or an RFC 3339 time.", code="invalid")


@extend_schema_field(OpenApiTypes.STR)
class TimestampInput(serializers.JSONField):
    """Unix seconds or an RFC 3339 time (UTC when no offset is given)."""

    json_schema: ClassVar[dict[str, Any]] = {
        "anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "format": "date-time"}]
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Unix seconds or an RFC 3339 time.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any):
        return _timestamp(self, data)

    def to_representation(self, value: Any) -> Any:
        return value


class SubscriptionCreateSerializer(StrictSerializer):
    customer = serializers.CharField(max_length=40)
    items = ItemInput(many=True)
    default_payment_method = serializers.CharField(max_length=40, required=False, allow_null=True)
    trial_period_days = serializers.IntegerField(min_value=1, max_value=730, required=False)
    trial_end = TrialEndField(required=False)
    billing_cycle_anchor = TimestampInput(required=False)
    coupon = serializers.CharField(max_length=64, required=False)
    collection_method = serializers.ChoiceField(
        choices=CollectionMethod.values, required=False, default="charge_automatically"
    )
    days_until_due = serializers.IntegerField(min_value=0, max_value=365, required=False)
    cancel_at_period_end = serializers.BooleanField(required=False, default=False)
    payment_behavior = serializers.ChoiceField(
        choices=["default_incomplete", "error_if_incomplete"],
        required=False,
        default="default_incomplete",
    )
    trial_settings = serializers.DictField(required=False)
    metadata = MetadataField(required=False, default=dict)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        settings = data.pop("trial_settings", None) or {}
        behavior = (settings.get("end_behavior") or {}).get("missing_payment_method")
        if behavior is not None:
            if behavior not in TrialEndBehavior.values:
                raise serializers.ValidationError(
                    {"trial_settings": ["missing_payment_method: cancel|pause|create_invoice."]}
                )
            data["trial_end_behavior"] = behavior
        for item in data["items"]:
            if item.get("id"):
                raise serializers.ValidationError({"items": ["New items take no id."]})
        return data


class SubscriptionUpdateSerializer(StrictSerializer):
    items = ItemInput(many=True, required=False)
    proration_behavior = serializers.ChoiceField(
        choices=ProrationBehavior.values, required=False, default="create_prorations"
    )
    proration_date = TimestampInput(required=False)
    default_payment_method = serializers.CharField(max_length=40, required=False)
    trial_end = TrialEndField(required=False)
    coupon = serializers.CharField(max_length=64, required=False)
    collection_method = serializers.ChoiceField(choices=CollectionMethod.values, required=False)
    days_until_due = serializers.IntegerField(min_value=0, max_value=365, required=False)
    cancel_at_period_end = serializers.BooleanField(required=False)
    payment_behavior = serializers.ChoiceField(
        choices=["default_incomplete", "error_if_incomplete"], required=False
    )
    metadata = MetadataField(required=False)


class SubscriptionCancelSerializer(StrictSerializer):
    at_period_end = serializers.BooleanField(required=False, default=False)
    prorate = serializers.BooleanField(required=False, default=False)
    invoice_now = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(max_length=500, required=False, allow_null=True)


class SubscriptionPauseSerializer(StrictSerializer):
    behavior = serializers.ChoiceField(choices=PauseBehavior.values, required=False, default="void")
    resumes_at = TimestampInput(required=False)


class SubscriptionResumeSerializer(StrictSerializer):
    billing_cycle_anchor = serializers.ChoiceField(
        choices=["unchanged", "now"], required=False, default="unchanged"
    )
    proration_behavior = serializers.ChoiceField(choices=ProrationBehavior.values, required=False)


class InvoiceCreateSerializer(StrictSerializer):
    customer = serializers.CharField(max_length=40)
    subscription = serializers.CharField(max_length=40, required=False)
    collection_method = serializers.ChoiceField(choices=CollectionMethod.values, required=False)
    days_until_due = serializers.IntegerField(min_value=0, max_value=365, required=False)
    metadata = MetadataField(required=False)


class InvoicePaySerializer(StrictSerializer):
    payment_method = serializers.CharField(max_length=40, required=False)
    paid_out_of_band = serializers.BooleanField(required=False, default=False)


@extend_schema_field(OpenApiTypes.INT64)
class SignedAmountField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int) or data == 0:
            raise serializers.ValidationError("A non-zero integer amount in minor units.")
        if abs(data) > 99_999_999_999:
            raise serializers.ValidationError("Amount too large.", code="amount_too_large")
        return data

    def to_representation(self, value: int) -> int:
        return value


class InvoiceItemCreateSerializer(StrictSerializer):
    customer = serializers.CharField(max_length=40)
    amount = SignedAmountField()
    currency = CurrencyField()
    description = serializers.CharField(max_length=500, required=False, default="")
    subscription = serializers.CharField(max_length=40, required=False)


class CouponCreateSerializer(StrictSerializer):
    id = serializers.RegexField(r"^[A-Za-z0-9_-]{1,64}$", required=False)
    name = serializers.CharField(max_length=100, required=False, allow_null=True)
    percent_off_bps = serializers.IntegerField(min_value=1, max_value=10_000, required=False)
    amount_off = AmountField(required=False)
    currency = CurrencyField(required=False)
    duration = serializers.ChoiceField(choices=CouponDuration.values)
    duration_in_months = serializers.IntegerField(min_value=1, max_value=120, required=False)
    max_redemptions = serializers.IntegerField(min_value=1, required=False)
    redeem_by = TimestampInput(required=False)
    applies_to = serializers.DictField(required=False)
    metadata = MetadataField(required=False, default=dict)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        percent, amount = data.get("percent_off_bps"), data.get("amount_off")
        if (percent is None) == (amount is None):
            raise serializers.ValidationError(
                {"percent_off_bps": ["Give exactly one of percent_off_bps and amount_off."]}
            )
        if amount is not None and not data.get("currency"):
            raise serializers.ValidationError({"currency": ["amount_off needs a currency."]})
        applies = data.pop("applies_to", None)
        if applies is not None:
            products = applies.get("products")
            if not isinstance(products, list) or not all(isinstance(p, str) for p in products):
                raise serializers.ValidationError({"applies_to": ["{products: [prod_…]}"]})
            data["applies_to_products"] = products
        return data


class TestClockCreateSerializer(StrictSerializer):
    __test__ = False
    frozen_time = TimestampInput()
    name = serializers.CharField(max_length=200, required=False, default="")


class TestClockAdvanceSerializer(StrictSerializer):
    __test__ = False
    frozen_time = TimestampInput()


class DunningInput(StrictSerializer):
    retry_days = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=10)
    subscription_action = serializers.ChoiceField(choices=DunningSubscriptionAction.values)
    invoice_action = serializers.ChoiceField(choices=DunningInvoiceAction.values)


def subscription_params(data: dict[str, Any]):
    """The service parameters of a validated create request (REST and MCP)."""
    from ..services.subscriptions import ItemChange, SubscriptionParams

    data = dict(data)
    items = [ItemChange(**item) for item in data.pop("items")]
    return SubscriptionParams(items=items, **data)


def update_params(data: dict[str, Any]):
    """The service parameters of a validated update (REST, MCP and the upcoming preview)."""
    from ..services.subscriptions import ItemChange, UpdateParams

    data = dict(data)
    data.pop("payment_behavior", None)
    items = [ItemChange(**item) for item in data.pop("items", [])]
    return UpdateParams(items=items, **data)


def bracketed(query: Any) -> dict[str, Any]:
    """Stripe-style bracketed query parameters (`items[0][price]=…`) as nested data; numbers
    and booleans of item fields are converted."""
    import re

    result: dict[str, Any] = {}
    items: dict[int, dict[str, Any]] = {}
    for key in query:
        value = query.get(key)
        match = re.fullmatch(r"items\[(\d+)\]\[(\w+)\]", key)
        if match:
            index, name = int(match.group(1)), match.group(2)
            if name == "quantity" and value.isdigit():
                value = int(value)
            elif name == "deleted":
                value = value in ("true", "1")
            items.setdefault(index, {})[name] = value
        elif key not in ("subscription",):
            result[key] = int(value) if key == "proration_date" and value.isdigit() else value
    if items:
        result["items"] = [items[index] for index in sorted(items)]
    return result
