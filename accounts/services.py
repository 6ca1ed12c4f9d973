"""Writes and decisions of accounts: sign-up, sign-in, tokens, KYC and its limits."""

import hashlib
import math
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import AccessToken, KycProfile, KycStatus, Tier
from accounts.selectors import PRIMARY, limits_for, token_hash
from aframp.consistency import use_primary
from aframp.errors import ApiError

TOKEN_TTL = timedelta(hours=24)

# Five failed sign-ins for one email, or from one client IP, within fifteen
# minutes lock that email (or IP) out of sign-in for fifteen minutes.
SIGN_IN_FAILURE_LIMIT = 5
SIGN_IN_WINDOW_SECONDS = 15 * 60

MINIMUM_KYC_AGE = 18

EMAIL_TAKEN = "An account with this email already exists."


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown to the client once; only its hash is stored
    expires_at: datetime


def _invalid(field: str, *messages: str) -> ApiError:
    """A field error, shaped like the serializers' VALIDATION_ERROR."""
    return ApiError(
        "Some fields are invalid.", code="VALIDATION_ERROR", details={field: list(messages)}
    )


def _normalize_email(email: str) -> str:
    """Emails are compared case-insensitively: the whole address is lower-cased."""
    return email.strip().lower()


# --- Sign-up and sign-in -------------------------------------------------------


def register_user(*, email: str, password: str) -> AbstractBaseUser:
    """Create a user whose username is their normalised email."""
    User = get_user_model()
    email = _normalize_email(email)
    if User.objects.using(PRIMARY).filter(username__iexact=email).exists():
        raise _invalid("email", EMAIL_TAKEN)
    try:
        validate_password(password, user=User(username=email, email=email))
    except DjangoValidationError as exc:
        raise _invalid("password", *exc.messages) from exc
    try:
        with transaction.atomic(using=PRIMARY):
            return User.objects.db_manager(PRIMARY).create_user(
                username=email, email=email, password=password
            )
    except IntegrityError as exc:  # registered concurrently
        raise _invalid("email", EMAIL_TAKEN) from exc


def create_token(*, user: AbstractBaseUser, ttl: timedelta = TOKEN_TTL) -> IssuedToken:
    raw_token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + ttl
    with transaction.atomic(using=PRIMARY):
        AccessToken.objects.using(PRIMARY).create(
            user=user, key_hash=token_hash(raw_token), expires_at=expires_at
        )
    return IssuedToken(token=raw_token, expires_at=expires_at)


def issue_token(*, email: str, password: str, client_ip: str) -> IssuedToken:
    """Sign in: a new token for the right email and password.

    Unknown emails and wrong passwords get the same answer, so that sign-in does
    not tell which emails have accounts.
    """
    email = _normalize_email(email)
    lockout_keys = [_lockout_key("email", email), _lockout_key("ip", client_ip)]
    _raise_if_locked_out(lockout_keys)
    with use_primary():
        user = authenticate(username=email, password=password)
    if user is None:
        _record_sign_in_failure(lockout_keys)
        raise ApiError("The email or password is incorrect.", code="INVALID_CREDENTIALS")
    return create_token(user=user)


def revoke_token(*, token: AccessToken) -> None:
    with transaction.atomic(using=PRIMARY):
        AccessToken.objects.using(PRIMARY).filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


def purge_tokens(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Delete tokens that expired or were revoked more than `older_than` ago."""
    cutoff = timezone.now() - older_than
    deleted, _ = (
        AccessToken.objects.using(PRIMARY)
        .filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff))
        .delete()
    )
    return deleted


def _lockout_key(kind: str, value: str) -> str:
    # Hashed: no email address or header value ends up in Redis.
    return f"accounts:sign-in:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _raise_if_locked_out(keys: list[str]) -> None:
    locked_until = cache.get_many([f"{key}:locked-until" for key in keys]).values()
    if locked_until:
        retry_after = max(1, math.ceil(max(locked_until) - time.time()))
        raise ApiError(
            "Too many failed sign-in attempts; try again later.",
            code="RATE_LIMITED",
            status=429,
            headers={"Retry-After": str(retry_after)},
        )


def _record_sign_in_failure(keys: list[str]) -> None:
    """Count a failure against each key; the one that reaches the limit is locked out.

    A key's window opens with its first failure. Attempts already past the lockout
    check when the limit is reached still have their password checked, so the
    limit is exact for sequential attempts; a parallel burst gets at most one extra
    try per request in flight.
    """
    for key in keys:
        failures = f"{key}:failures"
        cache.add(failures, 0, timeout=SIGN_IN_WINDOW_SECONDS)
        if cache.incr(failures) >= SIGN_IN_FAILURE_LIMIT:
            cache.set(
                f"{key}:locked-until",
                time.time() + SIGN_IN_WINDOW_SECONDS,
                timeout=SIGN_IN_WINDOW_SECONDS,
            )


# --- KYC -------------------------------------------------------------------------


def submit_kyc(
    *, user: AbstractBaseUser, full_name: str, date_of_birth: date, bvn: str, address: str = ""
) -> KycProfile:
    """Record the user's details and the verifier's decision on them.

    Approval raises the user to BASIC, or STANDARD when an address was given;
    rejection leaves them UNVERIFIED and they may submit again. Once approved,
    further changes go through staff (409 KYC_ALREADY_APPROVED).
    """
    if _age_on(timezone.localdate(), born=date_of_birth) < MINIMUM_KYC_AGE:
        raise _invalid("date_of_birth", f"You must be at least {MINIMUM_KYC_AGE} years old.")
    rejection_reason = _sandbox_verify_bvn(bvn=bvn)
    with transaction.atomic(using=PRIMARY):
        profile, _ = KycProfile.objects.using(PRIMARY).select_for_update().get_or_create(user=user)
        if profile.status == KycStatus.APPROVED:
            raise ApiError(
                "Your identity is already verified.", code="KYC_ALREADY_APPROVED", status=409
            )
        profile.full_name = full_name
        profile.date_of_birth = date_of_birth
        profile.bvn_last4 = bvn[-4:]
        profile.address = address
        profile.submitted_at = timezone.now()
        profile.rejection_reason = rejection_reason
        if rejection_reason:
            profile.status = KycStatus.REJECTED
            profile.tier_id = Tier.UNVERIFIED
        else:
            profile.status = KycStatus.APPROVED
            profile.tier_id = Tier.STANDARD if address else Tier.BASIC
        profile.save()
    return profile


def _age_on(day: date, *, born: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _sandbox_verify_bvn(*, bvn: str) -> str:
    """The sandbox identity check: the reason for rejecting `bvn`, or "" to approve.

    No provider is called. By convention a BVN starting with 0 is rejected, so
    that clients can exercise both outcomes.
    """
    if bvn.startswith("0"):
        return "The BVN could not be verified."
    return ""


def check_kyc_limits(
    *,
    user: AbstractBaseUser,
    amount_ngn: Decimal,
    spent_today_ngn: Decimal,
    spent_this_month_ngn: Decimal,
) -> None:
    """Refuse (403 KYC_LIMIT_EXCEEDED) a payment that would break a limit of the user's tier.

    A payment that reaches a limit exactly is allowed. `spent_*` are what the user
    has already moved today and this month, without this payment.
    """
    limits = limits_for(user=user)
    checks = (
        ("per_transaction", limits.per_transaction, Decimal(0)),
        ("daily", limits.daily, spent_today_ngn),
        ("monthly", limits.monthly, spent_this_month_ngn),
    )
    for name, limit, spent in checks:
        if spent + amount_ngn > limit:
            raise ApiError(
                f"This payment would exceed the {name.replace('_', '-')} limit "
                f"of your KYC tier ({limits.tier}).",
                code="KYC_LIMIT_EXCEEDED",
                status=403,
                details={
                    "limit": name,
                    "tier": limits.tier,
                    "limit_ngn": f"{limit:f}",
                    "amount_ngn": f"{amount_ngn:f}",
                    "available_ngn": f"{max(limit - spent, Decimal(0)):f}",
                },
            )
