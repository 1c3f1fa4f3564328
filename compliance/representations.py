from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField


class AlertSerializer(ObjectSerializer):
    object_name = "compliance_alert"

    merchant = serializers.CharField(source="merchant_id", allow_null=True)
    kind = serializers.CharField()
    severity = serializers.CharField()
    status = serializers.CharField()
    object_id = serializers.CharField()
    details = serializers.DictField()
    created = TimestampField()
    resolved_at = TimestampField(allow_null=True)


class RiskReviewSerializer(ObjectSerializer):
    object_name = "risk_review"

    merchant = serializers.CharField(source="merchant_id")
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    score = serializers.IntegerField()
    rules = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    decided_by = serializers.CharField(allow_null=True)
    note = serializers.CharField()
    created = TimestampField()
    decided_at = TimestampField(allow_null=True)


class RiskRuleSerializer(ObjectSerializer):
    object_name = "risk_rule"

    merchant = serializers.CharField(source="merchant_id")
    name = serializers.CharField()
    expression = serializers.CharField()
    action = serializers.CharField()
    position = serializers.IntegerField()
    enabled = serializers.BooleanField()
    created = TimestampField()
    updated = TimestampField()


class BlockListEntrySerializer(ObjectSerializer):
    object_name = "block_list_entry"

    merchant = serializers.CharField(source="merchant_id", allow_null=True)
    kind = serializers.CharField()
    value = serializers.CharField()
    reason = serializers.CharField()
    created = TimestampField()
    expires_at = TimestampField(allow_null=True)
    deleted = serializers.SerializerMethodField()

    def get_deleted(self, entry) -> bool:
        return entry.deleted_at is not None


class CustomerKycSerializer(ObjectSerializer):
    object_name = "customer_kyc"

    id = serializers.CharField(source="customer_id")
    customer = serializers.CharField(source="customer_id")
    merchant = serializers.CharField(source="merchant_id")
    status = serializers.CharField()
    updated = TimestampField()


class RiskModelSerializer(ObjectSerializer):
    object_name = "risk_model"

    version = serializers.IntegerField()
    status = serializers.CharField()
    source = serializers.CharField()
    features = serializers.ListField(child=serializers.CharField())
    metrics = serializers.DictField()
    params = serializers.DictField()
    error = serializers.CharField()
    created = TimestampField()
    trained_at = TimestampField(allow_null=True)


class ComplianceReportSerializer(ObjectSerializer):
    object_name = "compliance_report"

    merchant = serializers.CharField(source="merchant_id", allow_null=True)
    kind = serializers.CharField()
    status = serializers.CharField()
    period_start = TimestampField()
    period_end = TimestampField()
    parameters = serializers.DictField()
    scheduled = serializers.BooleanField()
    row_count = serializers.IntegerField(allow_null=True)
    verification = serializers.DictField(allow_null=True)
    error = serializers.CharField(allow_null=True)
    created = TimestampField()
    finished_at = TimestampField(allow_null=True)
