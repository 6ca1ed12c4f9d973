"""KYC tiers, their limits and check_kyc_limits."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import KycTier
from accounts.selectors import TierLimits, limits_for
from accounts.services import check_kyc_limits
from aframp.errors import ApiError
from tests.accounts.factories import make_kyc

pytestmark = pytest.mark.django_db

ZERO = Decimal("0")
KOBO = Decimal("0.01")


def test_the_default_tiers_exist_after_migrate():
    limits = {
        tier.code: (tier.per_transaction_limit_ngn, tier.daily_limit_ngn, tier.monthly_limit_ngn)
        for tier in KycTier.objects.all()
    }
    assert limits == {
        "unverified": (Decimal("50000"), Decimal("50000"), Decimal("200000")),
        "basic": (Decimal("200000"), Decimal("500000"), Decimal("2000000")),
        "standard": (Decimal("1000000"), Decimal("5000000"), Decimal("20000000")),
        "enhanced": (Decimal("10000000"), Decimal("50000000"), Decimal("200000000")),
    }


def test_a_user_without_kyc_has_the_unverified_limits(user):
    assert limits_for(user=user) == TierLimits(
        tier="unverified",
        per_transaction=Decimal("50000.00"),
        daily=Decimal("50000.00"),
        monthly=Decimal("200000.00"),
    )


def test_limits_follow_the_tier_and_what_staff_set(user):
    make_kyc(user=user, tier="enhanced")
    KycTier.objects.filter(code="enhanced").update(daily_limit_ngn=Decimal("60000000.50"))
    limits = limits_for(user=user)
    assert (limits.tier, limits.daily) == ("enhanced", Decimal("60000000.50"))


def test_limits_must_not_decrease_from_transaction_to_month():
    tier = KycTier.objects.get(code="basic")
    tier.daily_limit_ngn = tier.per_transaction_limit_ngn - KOBO
    with pytest.raises(ValidationError):
        tier.full_clean()


# Basic: 200,000 per transaction, 500,000 a day, 2,000,000 a month.
# Each case reaches one limit exactly while staying within the other two.
BOUNDARIES = {
    "per_transaction": dict(amount_ngn=Decimal("200000.00"), spent_today_ngn=ZERO,
                            spent_this_month_ngn=ZERO),
    "daily": dict(amount_ngn=Decimal("150000.00"), spent_today_ngn=Decimal("350000.00"),
                  spent_this_month_ngn=Decimal("350000.00")),
    "monthly": dict(amount_ngn=Decimal("150000.00"), spent_today_ngn=ZERO,
                    spent_this_month_ngn=Decimal("1850000.00")),
}  # fmt: skip


@pytest.mark.parametrize("limit", BOUNDARIES)
def test_a_payment_that_reaches_a_limit_exactly_is_allowed(user, limit):
    make_kyc(user=user, tier="basic")
    check_kyc_limits(user=user, **BOUNDARIES[limit])


@pytest.mark.parametrize("limit", BOUNDARIES)
def test_one_kobo_over_a_limit_is_refused_naming_it(user, limit):
    make_kyc(user=user, tier="basic")
    payment = BOUNDARIES[limit] | {"amount_ngn": BOUNDARIES[limit]["amount_ngn"] + KOBO}
    with pytest.raises(ApiError) as refused:
        check_kyc_limits(user=user, **payment)
    error = refused.value
    assert (error.code, error.status) == ("KYC_LIMIT_EXCEEDED", 403)
    limit_ngn = {"per_transaction": "200000.00", "daily": "500000.00", "monthly": "2000000.00"}
    spent = {"per_transaction": ZERO, "daily": Decimal("350000"), "monthly": Decimal("1850000")}
    assert error.details == {
        "limit": limit,
        "tier": "basic",
        "limit_ngn": limit_ngn[limit],
        "amount_ngn": str(payment["amount_ngn"]),
        "available_ngn": str(Decimal(limit_ngn[limit]) - spent[limit]),
    }
