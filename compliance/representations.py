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
