from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from mcp_payments.monitoring import views as monitoring

admin.site.site_header = "MCP Payments back office"
admin.site.site_title = "MCP Payments"
admin.site.index_title = "Operations"

api_v1 = [
    path("", include("mcp_payments.accounts.api.urls")),
    path("", include("mcp_payments.events.api.urls")),
    path("", include("mcp_payments.monitoring.api.urls")),
    path("", include("compliance.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("wallets.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("mcp_payments.agents.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("health/live", monitoring.live, name="health-live"),
    path("health/ready", monitoring.ready, name="health-ready"),
    path("admin/", admin.site.urls),
    # The React dashboard at /dashboard/ and `/` redirecting there (mcp_payments/dashboard.py).
    path("", include("mcp_payments.dashboard")),
    path("", include("django_prometheus.urls")),
]

handler400 = "mcp_payments.api.error_views.bad_request"
handler403 = "mcp_payments.api.error_views.permission_denied"
handler404 = "mcp_payments.api.error_views.not_found"
handler500 = "mcp_payments.api.error_views.server_error"
