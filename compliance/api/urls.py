from django.urls import path

from .report_views import (
    ComplianceReportDetailView,
    ComplianceReportDownloadView,
    ComplianceReportListView,
)
from .risk_views import (
    AlertListView,
    AlertResolveView,
    RiskReviewDecisionView,
    RiskReviewListView,
    RiskReviewRejectView,
)
from .views import AuditLogListView, AuditLogVerifyView

urlpatterns = [
    path("compliance/reports", ComplianceReportListView.as_view()),
    path("compliance/reports/<str:report_id>", ComplianceReportDetailView.as_view()),
    path("compliance/reports/<str:report_id>/download", ComplianceReportDownloadView.as_view()),
    path("compliance/alerts", AlertListView.as_view()),
    path("compliance/alerts/<str:alert_id>/resolve", AlertResolveView.as_view()),
    path("risk/reviews", RiskReviewListView.as_view()),
    path("risk/reviews/<str:review_id>/approve", RiskReviewDecisionView.as_view()),
    path("risk/reviews/<str:review_id>/reject", RiskReviewRejectView.as_view()),
    path("compliance/audit_log", AuditLogListView.as_view(), name="compliance-audit-log"),
    path(
        "compliance/audit_log/verify",
        AuditLogVerifyView.as_view(),
        name="compliance-audit-log-verify",
    ),
]
