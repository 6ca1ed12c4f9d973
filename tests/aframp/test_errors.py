"""One JSON error shape for every error, whatever raised it."""

import pytest
from django.urls import path
from rest_framework import exceptions as drf
from rest_framework.authentication import BaseAuthentication
from rest_framework.decorators import api_view, authentication_classes, throttle_classes
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from aframp.errors import ApiError
from aframp.urls import urlpatterns as project_urlpatterns


class OncePerDay(AnonRateThrottle):
    rate = "1/day"
    cache_format = "test-throttle-%(scope)s-%(ident)s"


@api_view(["POST"])
def echo(request):
    return Response(request.data)


class BearerChallenge(BaseAuthentication):
    def authenticate(self, request):
        return None

    def authenticate_header(self, request):
        return "Bearer"


@api_view(["GET"])
@authentication_classes([BearerChallenge])
def needs_auth(request):
    raise drf.NotAuthenticated()


@api_view(["GET"])
def forbidden(request):
    raise drf.PermissionDenied()


@api_view(["GET"])
@throttle_classes([OncePerDay])
def throttled(request):
    return Response({"ok": True})


@api_view(["GET"])
def app_error(request):
    raise ApiError("That pair is not supported.", code="INVALID_PAIR", details={"pair": "X/Y"})


@api_view(["GET"])
def crash(request):
    raise ZeroDivisionError("boom")


urlpatterns = [
    path("api/v1/test/echo", echo),
    path("api/v1/test/needs-auth", needs_auth),
    path("api/v1/test/forbidden", forbidden),
    path("api/v1/test/throttled", throttled),
    path("api/v1/test/app-error", app_error),
    path("public/test/crash", crash),
    *project_urlpatterns,
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def error_of(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    return body["error"]


def test_unknown_path_is_a_json_404(client):
    assert error_of(client.get("/api/v1/nope"), 404)["code"] == "NOT_FOUND"


def test_wrong_method_is_a_json_405_with_allow(client):
    response = client.get("/api/v1/test/echo")
    assert error_of(response, 405)["code"] == "METHOD_NOT_ALLOWED"
    assert "POST" in response["Allow"]


def test_malformed_json_is_a_400(client):
    response = client.post("/api/v1/test/echo", "{not json", content_type="application/json")
    assert error_of(response, 400)["code"] == "MALFORMED_REQUEST"


def test_unsupported_media_type_is_a_415(client):
    response = client.post("/api/v1/test/echo", "a=1", content_type="text/plain")
    assert error_of(response, 415)["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_bad_host_header_is_a_json_400(client):
    response = client.get("/health/live", HTTP_HOST="evil.example")
    assert error_of(response, 400)["code"] == "BAD_REQUEST"


def test_unauthenticated_is_a_401(client):
    response = client.get("/api/v1/test/needs-auth")
    assert error_of(response, 401)["code"] == "NOT_AUTHENTICATED"
    assert response["WWW-Authenticate"] == "Bearer"


def test_forbidden_is_a_403(client):
    assert error_of(client.get("/api/v1/test/forbidden"), 403)["code"] == "PERMISSION_DENIED"


def test_throttled_is_a_429_with_retry_after(client):
    client.get("/api/v1/test/throttled")
    response = client.get("/api/v1/test/throttled")
    assert error_of(response, 429)["code"] == "RATE_LIMITED"
    assert int(response["Retry-After"]) > 0


def test_app_errors_carry_their_code_and_details(client):
    error = error_of(client.get("/api/v1/test/app-error"), 400)
    assert error == {
        "code": "INVALID_PAIR",
        "message": "That pair is not supported.",
        "details": {"pair": "X/Y"},
    }


def test_a_crash_is_a_json_500_without_a_traceback(client):
    response = client.get("/public/test/crash")
    error = error_of(response, 500)
    assert error["code"] == "INTERNAL_ERROR"
    assert b"Traceback" not in response.content
    assert b"boom" not in response.content
    assert response["Cache-Control"] == "no-store"


def test_csrf_failure_is_json(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/admin/login/", {"username": "x", "password": "y"})
    assert error_of(response, 403)["code"] == "CSRF_FAILED"
