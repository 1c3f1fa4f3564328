from django.urls import path

from .views import AuditLogListView, AuditLogVerifyView

urlpatterns = [
    path("compliance/audit_log", AuditLogListView.as_view(), name="compliance-audit-log"),
    path(
        "compliance/audit_log/verify",
        AuditLogVerifyView.as_view(),
        name="compliance-audit-log-verify",
    ),
]
