from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from health.monitor import monitor


@require_safe
def edge(request: HttpRequest) -> JsonResponse:
    """Route 53's probe: 200 when every dependency answers and lag is within bounds.

    Answers within 1.5 s whatever the dependencies do (see health.monitor).
    """
    verdict = monitor.check_now()
    body = {
        "status": "healthy" if verdict.healthy else "unhealthy",
        "region": settings.REGION,
        "replication_lag_secs": None
        if verdict.lag_seconds is None
        else round(verdict.lag_seconds, 1),
        "checks": {
            name: {"ok": check.ok, "detail": check.detail} for name, check in verdict.checks.items()
        },
    }
    if not verdict.healthy:
        body["failed"] = verdict.failed
    return JsonResponse(body, status=200 if verdict.healthy else 503)


@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """The load balancer's target check: the process answers; no dependency is asked."""
    return JsonResponse({"status": "alive", "region": settings.REGION})
