from django.conf import settings
from rest_framework import serializers

from mcp_payments.api.serializers import (
    AmountField,
    CurrencyField,
    MetadataField,
    StrictSerializer,
)
from wallets.services.transfers import TransferRequest


class WalletCreateSerializer(StrictSerializer):
    customer = serializers.CharField(max_length=40, required=False, allow_null=True)
    currency = CurrencyField()
    metadata = MetadataField(required=False)


class FreezeSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class TransferCreateSerializer(StrictSerializer):
    source_wallet = serializers.CharField(max_length=40)
    destination_wallet = serializers.CharField(max_length=40)
    amount = AmountField()
    currency = CurrencyField()
    description = serializers.CharField(max_length=500, required=False, allow_null=True)
    metadata = MetadataField(required=False)
    pending = serializers.BooleanField(required=False, default=False)
    hold_expires_in = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=settings.TRANSFER_HOLD_MAX_SECONDS,
        help_text="Seconds until an unposted hold is voided (pending transfers only).",
    )
    application_fee_amount = serializers.IntegerField(
        required=False, default=0, min_value=0, help_text="Platform fee taken from the amount."
    )

    def validate(self, data: dict) -> dict:
        if data.get("hold_expires_in") is not None and not data.get("pending"):
            raise serializers.ValidationError(
                {"hold_expires_in": ["hold_expires_in applies to pending transfers only."]}
            )
        return data

    def to_request(self) -> TransferRequest:
        return TransferRequest(**{"metadata": {}, **self.validated_data})


class TransferBatchSerializer(StrictSerializer):
    transfers = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=settings.TRANSFER_BATCH_MAX,
        help_text="Transfer objects as for POST /transfers.",
    )
    atomic = serializers.BooleanField(required=False, default=False)


class TransferPostSerializer(StrictSerializer):
    amount = AmountField(required=False)


class PayoutCreateSerializer(StrictSerializer):
    amount = AmountField()
    currency = CurrencyField()
    destination = serializers.CharField(max_length=64, help_text="Bank-account token (btok_...).")
    wallet = serializers.CharField(
        max_length=40, required=False, allow_null=True, help_text="Empty: the merchant balance."
    )
    description = serializers.CharField(max_length=500, required=False, allow_null=True)
    metadata = MetadataField(required=False)
