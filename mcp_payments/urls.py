from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from mcp_payments.backoffice import views as backoffice
from mcp_payments.monitoring import views as monitoring

admin.site.site_header = "MCP Payments back office"
admin.site.site_title = "MCP Payments"
admin.site.index_title = "Operations"

api_v1 = [
    path("", include("mcp_payments.accounts.api.urls")),
    path("", include("mcp_payments.events.api.urls")),
    path("", include("mcp_payments.monitoring.api.urls")),
    path("", include("compliance.api.urls")),
    path("", include("analytics.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("payments.billing.api.urls")),
    path("", include("wallets.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("mcp_payments.agents.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    # Swagger UI and ReDoc come from drf-spectacular-sidecar: served locally, no CDN.
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="backoffice/redoc.html"),
        name="redoc",
    ),
    path("", RedirectView.as_view(pattern_name="docs"), name="api-root"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("health/live", monitoring.live, name="health-live"),
    path("health/ready", monitoring.ready, name="health-ready"),
    path("admin/", admin.site.urls),
    path("", backoffice.home, name="home"),
    path("welcome/", backoffice.welcome, name="welcome"),
    # The React dashboard at /dashboard/ (mcp_payments/dashboard.py); `/` goes there via HOME_URL.
    path("", include("mcp_payments.dashboard")),
    path("", include("django_prometheus.urls")),
]

handler400 = "mcp_payments.api.error_views.bad_request"
handler403 = "mcp_payments.api.error_views.permission_denied"
handler404 = "mcp_payments.api.error_views.not_found"
handler500 = "mcp_payments.api.error_views.server_error"
