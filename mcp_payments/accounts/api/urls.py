from django.urls import path

from . import views

urlpatterns = [
    path("auth/token", views.TokenView.as_view(), name="auth-token"),
    path("auth/token/refresh", views.TokenRefresh.as_view(), name="auth-token-refresh"),
    path("api_keys", views.ApiKeyListView.as_view(), name="api-keys"),
    path("api_keys/<str:key_id>/revoke", views.ApiKeyRevokeView.as_view(), name="api-key-revoke"),
    path("team/me", views.WhoAmIView.as_view(), name="team-me"),
    path("team/members", views.TeamMemberListView.as_view(), name="team-members"),
    path("team/members/<str:member_id>", views.TeamMemberView.as_view(), name="team-member"),
]
