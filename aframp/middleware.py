"""Middleware that applies the path table and the error contract to every request."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

from aframp.consistency import consistency
from aframp.errors import error_response, response_for_exception, unexpected_error_response
from aframp.paths import NO_STORE, PRIVATE, Consistency, PathRule, rule_for

SAFE_METHODS = frozenset({"GET", "HEAD"})
# A cache must keep apart the answers given with and without X-Consistency.
CACHE_VARY = ("Accept-Encoding", "X-Consistency")
# Headers of an error response that still matter once its body is made JSON.
KEPT_ERROR_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def asks_for_strong(request: HttpRequest) -> bool:
    """`X-Consistency: strong`, in any case, with any surrounding whitespace.

    Any other value is ignored: a client can only ask for more consistency.
    """
    return request.headers.get("X-Consistency", "").strip().lower() == "strong"


class EdgePolicyMiddleware:
    """Sets the request's consistency from the path table and `X-Consistency`,
    then tells caches what they may keep of the response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rule = rule_for(request.path_info)
        strong_by_header = asks_for_strong(request)
        if strong_by_header or rule.consistency is not Consistency.EVENTUAL:
            level = Consistency.STRONG
        else:
            level = Consistency.EVENTUAL

        with consistency(level):  # reset when the request ends, errors included
            response = self.get_response(request)

        if strong_by_header or rule.consistency is Consistency.STRONG:
            response["X-Route-Primary"] = "true"  # this request's reads were pinned to the primary
        if strong_by_header:
            # A response promised to be fresh must never be stored and replayed.
            response["Cache-Control"] = PRIVATE
        elif rule.cacheable:
            response = self._apply_cacheable(request, response, rule)
        else:
            response["Cache-Control"] = rule.cache_control
        response["X-Region"] = settings.REGION
        return response

    @staticmethod
    def _apply_cacheable(request: HttpRequest, response: HttpResponse, rule: PathRule):
        succeeded = 200 <= response.status_code < 300 or response.status_code == 304
        if request.method not in SAFE_METHODS or not succeeded:
            # Never let an edge keep an error or the answer to a write.
            response["Cache-Control"] = NO_STORE
            return response
        response["Cache-Control"] = rule.cache_control
        patch_vary_headers(response, CACHE_VARY)
        response.cookies.clear()  # a shared cache must not hand out anyone's cookie
        if not response.streaming and response.status_code == 200:
            set_response_etag(response)
            response = get_conditional_response(
                request, etag=response.get("ETag"), response=response
            )
        return response


class JsonErrorMiddleware:
    """Turns every error into the API's JSON error shape (see aframp.errors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            # Errors produced outside the views (Django's 404 and 405, a bad
            # Host header, a CSRF failure) arrive as HTML or empty bodies.
            headers = {name: response[name] for name in KEPT_ERROR_HEADERS if name in response}
            return error_response(response.status_code, headers=headers)
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return response_for_exception(exc) or unexpected_error_response(request, exc)


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")
