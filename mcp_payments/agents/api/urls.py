from django.urls import path

from . import views

urlpatterns = [
    path("agent_approvals", views.AgentApprovalListView.as_view()),
    path("agent_approvals/<str:approval_id>", views.AgentApprovalDetailView.as_view()),
    path("agent_approvals/<str:approval_id>/approve", views.AgentApprovalApproveView.as_view()),
    path("agent_approvals/<str:approval_id>/reject", views.AgentApprovalRejectView.as_view()),
    path("agent_approvals/<str:approval_id>/retry", views.AgentApprovalRetryView.as_view()),
    path("api_keys/<str:key_id>/policy_check", views.PolicyCheckView.as_view()),
    path("assistant_policy", views.AssistantPolicyView.as_view()),
]
