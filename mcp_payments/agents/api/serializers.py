from rest_framework import serializers

from mcp_payments.api.serializers import StrictSerializer


class ApprovalDecisionSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
