from django.urls import path

from . import report_views, views

urlpatterns = [
    path("analytics/summary", views.SummaryView.as_view()),
    path("analytics/timeseries", views.TimeseriesView.as_view()),
    path("analytics/fraud", views.FraudView.as_view()),
    path("analytics/customers", views.CustomersView.as_view()),
    path("analytics/mrr", views.MrrView.as_view()),
    path("reports", report_views.ReportListView.as_view()),
    path("reports/preview", report_views.ReportPreviewView.as_view()),
    path("reports/<str:report_id>", report_views.ReportDetailView.as_view()),
    path("reports/<str:report_id>/run", report_views.ReportRunView.as_view()),
    path("reports/<str:report_id>/schedule", report_views.ReportScheduleView.as_view()),
    path("report_runs/<str:run_id>", report_views.ReportRunDetailView.as_view()),
    path("report_runs/<str:run_id>/download", report_views.ReportRunDownloadView.as_view()),
]
