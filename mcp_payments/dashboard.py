"""Serving the React dashboard (frontend/, docs/dashboard.md) from the same server as the API.

- `/` redirects to `/dashboard/` (`settings.HOME_URL`, mcp_payments.backoffice); `/dashboard`
  without the slash too.
- `/dashboard/assets/<file>`: Vite's content-hashed build output, `Cache-Control: immutable` for
  a year (a changed file gets a new name).
- `/dashboard/` and every other `/dashboard/<path>`: `index.html` with `Cache-Control: no-cache`
  (the SPA fallback: the React router reads the path), so a deploy is picked up at once.
- Without a build (no npm on the machine), `/dashboard/` answers 503 saying how to build it; the
  API is served all the same.

The build directory is `settings.DASHBOARD_DIST` (default `frontend/dist`), which `make run`
fills (`scripts/frontend.sh build`) when the sources or the lock file changed.
"""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, re_path
from django.views.decorators.http import require_safe

IMMUTABLE = "public, max-age=31536000, immutable"
NOT_BUILT = (
    "The dashboard is not built. Install Node.js 20 and npm, then run `make run` (it builds "
    "frontend/ with `npm ci && npm run build`), or `bash scripts/frontend.sh build`.\n"
)


def dist_dir() -> Path:
    """The directory of the built dashboard (index.html and assets/)."""
    return Path(getattr(settings, "DASHBOARD_DIST", settings.BASE_DIR / "frontend" / "dist"))


@require_safe
def bare(request: HttpRequest) -> HttpResponse:
    """`/dashboard` → `/dashboard/` (APPEND_SLASH is off)."""
    return HttpResponseRedirect("/dashboard/")


@require_safe
def index(request: HttpRequest, path: str = "") -> HttpResponse:
    """The SPA's `index.html` for `/dashboard/` and every client-side route under it, never
    cached without revalidation. 503 with build instructions when there is no build."""
    page = dist_dir() / "index.html"
    if not page.is_file():
        response = HttpResponse(NOT_BUILT, status=503, content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(page.read_bytes(), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def asset(request: HttpRequest, name: str) -> FileResponse:
    """A hashed build file from `dist/assets/`; 404 for anything outside that directory."""
    base = (dist_dir() / "assets").resolve()
    target = (base / name).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        raise Http404("No such dashboard asset.")
    response = FileResponse(target.open("rb"))
    response["Cache-Control"] = IMMUTABLE
    return response


urlpatterns = [
    path("dashboard/assets/<path:name>", asset, name="dashboard-asset"),
    path("dashboard/", index, name="dashboard"),
    re_path(r"^dashboard/(?P<path>.*)$", index, name="dashboard-route"),
    path("dashboard", bare, name="dashboard-bare"),
]
