"""Reads of rates and fees. On eventual paths they come from the local replica."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch

from aframp.errors import ApiError
from rates.fees import FeeBreakdown, calculate_fees
from rates.models import Currency, ExchangeRate, FeeSchedule, FeeTier


@dataclass(frozen=True)
class PairRate:
    """A rate as asked for: 1 `base` buys `rate` `quote`, whichever way it is stored."""

    base: str
    quote: str
    rate: Decimal
    inverse_rate: Decimal
    spread: Decimal
    source: str
    source_time: datetime

    @property
    def pair(self) -> str:
        return f"{self.base}/{self.quote}"

    @classmethod
    def of(cls, stored: ExchangeRate, *, inverted: bool = False) -> "PairRate":
        if inverted:
            base, quote = stored.quote_id, stored.base_id
            rate, inverse = stored.inverse_rate, stored.rate
        else:
            base, quote = stored.base_id, stored.quote_id
            rate, inverse = stored.rate, stored.inverse_rate
        return cls(base, quote, rate, inverse, stored.spread, stored.source, stored.source_time)


def currencies() -> list[Currency]:
    return list(Currency.objects.all())


def currency(*, code: str) -> Currency:
    """The currency named `code`, in any letter case (cNGN, CNGN, cngn), or a 400."""
    found = Currency.objects.filter(code__iexact=code.strip()).first() if code else None
    if found is None:
        raise ApiError(
            f"Unknown currency {code!r}.", code="INVALID_CURRENCY", details={"currency": code}
        )
    return found


def all_rates() -> list[PairRate]:
    """Every stored pair and its inverse."""
    rates = []
    for stored in ExchangeRate.objects.all():
        rates += [PairRate.of(stored), PairRate.of(stored, inverted=True)]
    return rates


def rate(*, base: str, quote: str) -> PairRate:
    """The rate from `base` to `quote`, stored either way round, or a 400."""
    base_currency, quote_currency = currency(code=base), currency(code=quote)
    for stored in ExchangeRate.objects.filter(
        base__in=[base_currency, quote_currency], quote__in=[base_currency, quote_currency]
    ):
        if stored.base_id == base_currency.code and stored.quote_id == quote_currency.code:
            return PairRate.of(stored)
        if stored.base_id == quote_currency.code and stored.quote_id == base_currency.code:
            return PairRate.of(stored, inverted=True)
    pair = f"{base_currency.code}/{quote_currency.code}"
    raise ApiError(f"No rate for {pair}.", code="INVALID_PAIR", details={"pair": pair})


def effective_fee_schedules(
    *, at: datetime, transaction_type: str | None = None, currency: Currency | None = None
) -> list[FeeSchedule]:
    schedules = FeeSchedule.objects.effective_at(at).prefetch_related(
        Prefetch("tiers", queryset=FeeTier.objects.order_by("min_amount"))
    )
    if transaction_type:
        schedules = schedules.filter(transaction_type=transaction_type)
    if currency:
        schedules = schedules.filter(currency=currency)
    return list(schedules.select_related("currency"))


def tier_for(schedule: FeeSchedule, amount: Decimal) -> FeeTier | None:
    return next((tier for tier in schedule.tiers.all() if tier.contains(amount)), None)


def fee_quotes(*, schedules: Iterable[FeeSchedule], amount: Decimal) -> list[FeeBreakdown]:
    """The fees of `amount` under each schedule that has a tier for it, cheapest first."""
    quotes = []
    for schedule in schedules:
        tier = tier_for(schedule, amount)
        if tier is not None:
            quotes.append(
                calculate_fees(
                    schedule=schedule, tier=tier, currency=schedule.currency, amount=amount
                )
            )
    return sorted(quotes, key=lambda quote: (quote.total_fee, quote.provider, quote.method))
