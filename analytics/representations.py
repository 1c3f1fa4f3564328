"""API representations of reports and runs (REST, events and MCP alike)."""

from typing import Any

from rest_framework import serializers

from mcp_payments.api.serializers import ObjectSerializer, TimestampField

from .models import RunStatus


class ReportSerializer(ObjectSerializer):
    object_name = "report"

    name = serializers.CharField()
    definition = serializers.DictField()
    schedule = serializers.DictField(allow_null=True)
    next_run_at = TimestampField(allow_null=True)
    created = TimestampField()


class ReportRunSerializer(ObjectSerializer):
    object_name = "report_run"

    report = serializers.CharField(source="report_id")
    status = serializers.CharField()
    scheduled = serializers.BooleanField()
    row_count = serializers.IntegerField(allow_null=True)
    rows = serializers.SerializerMethodField()
    file = serializers.SerializerMethodField()
    result_available_until = TimestampField(source="expires_at", allow_null=True)
    error = serializers.CharField(allow_null=True)
    created = TimestampField()
    finished_at = TimestampField(allow_null=True)

    def get_rows(self, run) -> list[dict[str, Any]] | None:
        """Inline rows when the run has at most 1,000 (else download the CSV)."""
        if run.status != RunStatus.SUCCEEDED or run.rows is None or len(run.rows) > 1000:
            return None
        return run.rows

    def get_file(self, run) -> dict[str, Any] | None:
        if run.csv is None:
            return None
        return {"format": "csv", "size": len(run.csv.encode())}
