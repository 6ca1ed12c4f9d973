"""Reads of accounts, tokens and KYC.

KYC state and tokens decide who may move how much money, so they are always read
from the primary, whatever the request's consistency.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from accounts.models import AccessToken, KycProfile, KycTier, Tier

PRIMARY = "default"


@dataclass(frozen=True)
class TierLimits:
    """What a user may move, in NGN: per transaction, per calendar day, per calendar month."""

    tier: str
    per_transaction: Decimal
    daily: Decimal
    monthly: Decimal


def token_hash(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def active_token(*, raw_token: str) -> AccessToken | None:
    """The unexpired, unrevoked token of an active user that `raw_token` is, if any."""
    return (
        AccessToken.objects.using(PRIMARY)
        .select_related("user")
        .filter(
            key_hash=token_hash(raw_token),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


def kyc_profile_for(*, user: AbstractBaseUser) -> KycProfile:
    """The user's KYC profile; an unsaved, unverified one when they have none yet."""
    profile = KycProfile.objects.using(PRIMARY).select_related("tier").filter(user=user).first()
    if profile is None:
        profile = KycProfile(user=user, tier=KycTier.objects.using(PRIMARY).get(pk=Tier.UNVERIFIED))
    return profile


def limits_for(*, user: AbstractBaseUser) -> TierLimits:
    tier = kyc_profile_for(user=user).tier
    return TierLimits(
        tier=tier.code,
        per_transaction=tier.per_transaction_limit_ngn,
        daily=tier.daily_limit_ngn,
        monthly=tier.monthly_limit_ngn,
    )
