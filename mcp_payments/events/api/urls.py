from django.urls import path

from . import views

urlpatterns = [
    path("events", views.EventListView.as_view(), name="events"),
    path("events/<str:event_id>", views.EventDetailView.as_view(), name="event-detail"),
    path("system/dead_letters", views.DeadLetterListView.as_view(), name="dead-letters"),
    path(
        "system/dead_letters/replay",
        views.DeadLetterReplayView.as_view(),
        name="dead-letters-replay",
    ),
]
