"""The fee calculator: every caller (fee quotes, on-ramp, off-ramp, transfers,
redemptions) computes fees here and nowhere else.

Rounding, deterministic and documented:
  1. provider fee = amount × provider_percent / 100 + provider_flat, then
     capped at provider_cap; platform fee = amount × platform_percent / 100
     + platform_flat. Each is rounded to the currency's minor unit (kobo for
     NGN, 10⁻⁷ for Stellar assets) half-up: ₦0.005 becomes ₦0.01.
  2. total = provider fee + platform fee. Below min_total, the platform fee is
     raised to make up the difference; above max_total, the platform fee is
     cut first, then the provider fee.
  3. amount after fees = amount − total.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from rates.models import Currency, FeeSchedule, FeeTier

ROUNDING = ROUND_HALF_UP
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class FeeBreakdown:
    transaction_type: str
    provider: str
    method: str
    currency: str
    amount: Decimal
    provider_fee: Decimal
    platform_fee: Decimal
    total_fee: Decimal
    amount_after_fees: Decimal
    schedule_id: int
    tier: str


def calculate_fees(
    *, schedule: FeeSchedule, tier: FeeTier, currency: Currency, amount: Decimal
) -> FeeBreakdown:
    unit = currency.minor_unit
    with localcontext() as context:
        context.prec = 60  # exact for any amount the columns can hold

        def to_unit(value: Decimal) -> Decimal:
            return value.quantize(unit, rounding=ROUNDING)

        provider_fee = amount * tier.provider_percent / HUNDRED + tier.provider_flat
        if tier.provider_cap is not None:
            provider_fee = min(provider_fee, tier.provider_cap)
        provider_fee = to_unit(provider_fee)
        platform_fee = to_unit(amount * tier.platform_percent / HUNDRED + tier.platform_flat)

        total = provider_fee + platform_fee
        if tier.min_total is not None and total < to_unit(tier.min_total):
            platform_fee += to_unit(tier.min_total) - total
        elif tier.max_total is not None and total > to_unit(tier.max_total):
            excess = total - to_unit(tier.max_total)
            platform_cut = min(excess, platform_fee)
            platform_fee -= platform_cut
            provider_fee -= excess - platform_cut
        total = provider_fee + platform_fee

    return FeeBreakdown(
        transaction_type=schedule.transaction_type,
        provider=schedule.provider,
        method=schedule.method,
        currency=currency.code,
        amount=amount,
        provider_fee=provider_fee,
        platform_fee=platform_fee,
        total_fee=total,
        amount_after_fees=amount - total,
        schedule_id=schedule.pk,
        tier=str(tier),
    )
