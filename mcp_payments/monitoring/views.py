from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .health import run_checks


@require_GET
def live(request: HttpRequest) -> JsonResponse:
    """The process is up and serving; no dependency is checked."""
    return JsonResponse({"status": "ok"})


@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """Every dependency answers; 503 naming the ones that do not."""
    results = run_checks()
    failed = [result.name for result in results if not result.ok]
    body = {
        "status": "ok" if not failed else "unavailable",
        "failed": failed,
        "checks": {
            result.name: {
                "ok": result.ok,
                "latency_ms": result.latency_ms,
                "error": result.error,
                **(result.detail or {}),
            }
            for result in results
        },
    }
    return JsonResponse(body, status=503 if failed else 200)
