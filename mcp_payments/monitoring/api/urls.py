from django.urls import path

from . import views

urlpatterns = [
    path("system/status", views.SystemStatusView.as_view(), name="system-status"),
]
