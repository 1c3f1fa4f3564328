from django.urls import path

from . import views

urlpatterns = [
    path("webhook_endpoints", views.WebhookEndpointListView.as_view()),
    path("webhook_endpoints/<str:endpoint_id>", views.WebhookEndpointDetailView.as_view()),
    path(
        "webhook_endpoints/<str:endpoint_id>/rotate_secret",
        views.WebhookEndpointRotateSecretView.as_view(),
    ),
    path(
        "webhook_endpoints/<str:endpoint_id>/deliveries",
        views.WebhookDeliveryListView.as_view(),
    ),
    path("webhook_deliveries/<str:delivery_id>/retry", views.WebhookDeliveryRetryView.as_view()),
    path("notifications", views.NotificationListView.as_view()),
    path("notifications/<str:notification_id>/read", views.NotificationReadView.as_view()),
    path("notification_preferences", views.NotificationPreferencesView.as_view()),
]
