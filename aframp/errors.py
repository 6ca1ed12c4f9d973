"""One error contract for the whole API.

Every error leaves the node as

    {"error": {"code": "MACHINE_READABLE", "message": "For humans.", "details": {...}}}

App code raises ApiError (or a subclass); DRF exceptions, Django's own
exceptions and plain non-JSON error responses are turned into the same shape
here, and nowhere else.
"""

import logging
from http import HTTPStatus

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions as drf

logger = logging.getLogger(__name__)

# Seconds a client should wait before retrying when the primary is unreachable.
RETRY_AFTER_SECONDS = 5

_CODES_BY_STATUS = {
    400: "BAD_REQUEST",
    401: "NOT_AUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


class ApiError(Exception):
    """An error the client can act on. Raise it (or a subclass) from app code."""

    status = 400
    code = "BAD_REQUEST"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        details: dict | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
        self.details = details or {}
        self.headers = headers or {}


class ServiceUnavailable(ApiError):
    status = 503
    code = "SERVICE_UNAVAILABLE"


def error_response(
    status: int,
    code: str | None = None,
    message: str | None = None,
    details: dict | None = None,
    headers: dict | None = None,
) -> JsonResponse:
    body = {
        "error": {
            "code": code or _CODES_BY_STATUS.get(status, f"HTTP_{status}"),
            "message": message or HTTPStatus(status).phrase,
            "details": details or {},
        }
    }
    return JsonResponse(body, status=status, headers=headers)


def response_for_exception(exc: Exception) -> JsonResponse | None:
    """The JSON error for an exception, or None when it is not one we know."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database could not be reached (or went away mid-request).
        logger.error("Database unavailable: %s", exc)
        return error_response(
            503,
            "DATABASE_UNAVAILABLE",
            "The database is unreachable; retry shortly.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, drf.APIException):
        return _drf_response(exc)
    if isinstance(exc, Http404):
        return error_response(404, message="No such resource.")
    if isinstance(exc, PermissionDenied):
        return error_response(403, message="You may not do that.")
    if isinstance(exc, (SuspiciousOperation, BadRequest)):
        return error_response(400, message="The request was malformed.")
    return None


def _drf_response(exc: drf.APIException) -> JsonResponse:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait) + 1)
    if isinstance(exc, drf.ValidationError):
        return error_response(
            400,
            "VALIDATION_ERROR",
            "Some fields are invalid.",
            _as_details(exc.detail),
            headers,
        )
    code = _CODES_BY_STATUS.get(exc.status_code) or str(exc.default_code).upper()
    if isinstance(exc, drf.ParseError):
        code = "MALFORMED_REQUEST"
    return error_response(exc.status_code, code, str(exc.detail), headers=headers)


def _as_details(detail) -> dict:
    if isinstance(detail, dict):
        return {key: _plain(value) for key, value in detail.items()}
    return {"non_field_errors": _plain(detail)}


def _plain(detail):
    if isinstance(detail, dict):
        return {key: _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def unexpected_error_response(request: HttpRequest, exc: BaseException) -> JsonResponse:
    logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(500, message="Something went wrong on our side; it has been logged.")


def drf_exception_handler(exc: Exception, context: dict) -> JsonResponse | None:
    """REST framework's EXCEPTION_HANDLER: the same contract for API views.

    Unknown exceptions return None so that they propagate to
    JsonErrorMiddleware, which logs them and answers 500.
    """
    return response_for_exception(exc)


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(403, "CSRF_FAILED", "CSRF verification failed.", {"reason": reason})
