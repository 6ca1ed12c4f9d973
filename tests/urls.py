"""The project's URLs plus a probe view on a path of every row of the path table.

The middleware and the router act on paths, not views, so one probe that
reads a row through the ORM shows what any view on that path would see.
"""

from django.contrib.auth.models import Group
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from aframp.urls import urlpatterns as project_urlpatterns

PROBE_GROUP_ID = 4242

# One path per row of aframp.paths.PATH_TABLE, and some unlisted ones.
PROBE_PATHS = {
    "public": "/public/probe",
    "rates": "/api/v1/rates",
    "rates-sub": "/api/v1/rates/probe",
    "fees": "/api/v1/fees",
    "fees-sub": "/api/v1/fees/probe",
    "account": "/account/probe",
    "onramp": "/api/v1/onramp/probe",
    "offramp": "/api/v1/offramp/probe",
    "mint": "/api/v1/mint/probe",
    "transaction": "/api/v1/transaction-probe",
    "transfer": "/api/v1/transfers/probe",
    "redemption": "/api/v1/redemptions/probe",
    "root": "/",
    "unlisted": "/elsewhere/probe",
}


@csrf_exempt
def probe(request: HttpRequest) -> JsonResponse:
    """Reads the probe group's name; `?fail=…` makes it fail, `?cookie=1` sets a cookie."""
    if request.GET.get("fail") == "crash":
        raise RuntimeError("the probe was asked to crash")
    if request.GET.get("fail") == "missing":
        raise Http404("no such probe")
    group = Group.objects.filter(pk=PROBE_GROUP_ID).first()
    response = JsonResponse({"name": group.name if group else None})
    if request.GET.get("cookie"):
        response.set_cookie("tracking", "personal")
    return response


urlpatterns = [path(p.lstrip("/"), probe) for p in PROBE_PATHS.values()] + project_urlpatterns
