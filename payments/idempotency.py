"""Idempotency-Key for every money-moving POST.

The key's record is inserted first, in the same transaction as the movement:
a concurrent request with the same key waits on the unique index until the
first commits (then replays its answer) or rolls back (then runs itself).
The same key with the same request returns the original answer without
moving money again; with a different request it is refused with 409.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework.request import Request
from rest_framework.response import Response

from aframp.errors import ApiError
from payments.models import IdempotencyRecord

MAX_KEY_LENGTH = 255


Answer = tuple[int, dict]


def idempotent(
    request: Request,
    run: Callable[[], Answer],
    *,
    after_commit: Callable[[Answer], Answer] | None = None,
) -> Response:
    """Run `run` (returning status and body) at most once per Idempotency-Key.

    `after_commit` continues outside the transaction (e.g. calling a payment
    provider, which must never happen while rows are locked); its answer then
    replaces the stored one, so a replay answers what the first call answered.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise ApiError(
            "Money-moving requests need an Idempotency-Key header (e.g. a UUID).",
            code="IDEMPOTENCY_KEY_REQUIRED",
        )
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApiError(
            f"Idempotency-Key must be printable and at most {MAX_KEY_LENGTH} characters.",
            code="INVALID_IDEMPOTENCY_KEY",
        )
    fingerprint = _fingerprint(request)
    with transaction.atomic(using="default"):
        try:
            with transaction.atomic(using="default"):
                record = IdempotencyRecord.objects.using("default").create(
                    user=request.user, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            return _replay(request, key, fingerprint)
        status, body = run()
        record.status_code, record.body = status, body
        record.save(using="default", update_fields=["status_code", "body"])
    if after_commit is not None:
        status, body = after_commit((status, body))
        IdempotencyRecord.objects.using("default").filter(pk=record.pk).update(
            status_code=status, body=body
        )
    return Response(body, status=status)


def _replay(request: Request, key: str, fingerprint: str) -> Response:
    record = IdempotencyRecord.objects.using("default").get(user=request.user, key=key)
    if record.fingerprint != fingerprint:
        raise ApiError(
            "This Idempotency-Key was used for a different request.",
            code="IDEMPOTENCY_KEY_REUSED",
            status=409,
        )
    return Response(record.body, status=record.status_code, headers={"Idempotent-Replayed": "true"})


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()
