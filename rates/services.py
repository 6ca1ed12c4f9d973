"""Writes of rates and fee schedules. They always go to the primary."""

import itertools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rates.models import (
    RATE_DIGITS,
    Currency,
    ExchangeRate,
    ExchangeRateHistory,
    FeeSchedule,
    FeeTier,
)
from rates.providers import ProviderRate, RateFeedError, RateProvider

logger = logging.getLogger(__name__)
RATE_UNIT = Decimal(1).scaleb(-RATE_DIGITS["decimal_places"])


# --- Rates -------------------------------------------------------------------


@dataclass
class RefreshReport:
    stored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    failed_providers: list[str] = field(default_factory=list)


def refresh_rates(*, providers: Iterable[RateProvider]) -> RefreshReport:
    """Fetch from every provider and store what they return; one bad provider
    or rate does not stop the rest.
    """
    report = RefreshReport()
    for provider in providers:
        try:
            quotes = provider.fetch()
        except RateFeedError as exc:
            logger.error("Rate provider %s failed: %s", provider.name, exc)
            report.failed_providers.append(f"{provider.name}: {exc}")
            continue
        for quote in quotes:
            store_rate(quote=quote, report=report)
    return report


def store_rate(*, quote: ProviderRate, report: RefreshReport) -> None:
    pair = f"{quote.base}/{quote.quote}"
    problem = rate_problem(quote)
    if problem:
        logger.warning("Rejected rate %s: %s", pair, problem)
        report.rejected.append(f"{pair}: {problem}")
        return
    rate = quote.rate.quantize(RATE_UNIT)
    inverse = (Decimal(1) / quote.rate).quantize(RATE_UNIT)
    with transaction.atomic(using="default"):
        current = (
            ExchangeRate.objects.using("default")
            .select_for_update()
            .filter(base_id=quote.base, quote_id=quote.quote)
            .first()
        )
        if current is not None and current.source_time >= quote.source_time:
            # Never replace a rate with an older (or the same) observation.
            report.unchanged.append(pair)
            return
        values = {
            "rate": rate,
            "inverse_rate": inverse,
            "spread": quote.spread,
            "source": quote.source,
            "source_time": quote.source_time,
        }
        ExchangeRate.objects.using("default").update_or_create(
            base_id=quote.base,
            quote_id=quote.quote,
            defaults={**values, "updated_at": timezone.now()},
        )
        ExchangeRateHistory.objects.using("default").create(
            base_id=quote.base, quote_id=quote.quote, **values
        )
    report.stored.append(pair)


def rate_problem(quote: ProviderRate) -> str | None:
    """Why `quote` cannot be stored, or None."""
    known = set(
        Currency.objects.using("default")
        .filter(code__in=[quote.base, quote.quote])
        .values_list("code", flat=True)
    )
    unknown = [code for code in (quote.base, quote.quote) if code not in known]
    if unknown:
        return f"unknown currency {', '.join(unknown)}"
    if quote.base == quote.quote:
        return "a pair needs two currencies"
    if not quote.rate.is_finite() or quote.rate.quantize(RATE_UNIT) <= 0:
        return f"rate {quote.rate} is not a positive number"
    if (Decimal(1) / quote.rate).quantize(RATE_UNIT) <= 0:
        return f"rate {quote.rate} is too large to invert"
    if not (0 <= quote.spread <= Decimal("0.5")):
        return f"spread {quote.spread} is outside [0, 0.5]"
    if (
        ExchangeRate.objects.using("default")
        .filter(base_id=quote.quote, quote_id=quote.base)
        .exists()
    ):
        return f"stored the other way round as {quote.quote}/{quote.base}"
    return None


# --- Fee schedules -------------------------------------------------------------


@dataclass(frozen=True)
class TierBounds:
    min_amount: Decimal
    max_amount: Decimal | None


def validate_fee_tiers(tiers: Sequence[TierBounds]) -> None:
    """The tiers of one schedule must cover one unbroken range of amounts.

    Sorted by minimum, each tier must start exactly where the one before ends
    (tiers are [min, max), so 49,999.99 and 50,000 fall in different ones and
    nothing falls between), and only the last may be unbounded.
    """
    if not tiers:
        raise ValidationError("A fee schedule needs at least one tier.", code="no_tiers")
    ordered = sorted(tiers, key=lambda tier: tier.min_amount)
    errors = []

    def text(amount: Decimal) -> str:
        return f"{amount.normalize():,f}"

    for lower, upper in itertools.pairwise(ordered):
        if lower.max_amount is None:
            errors.append(
                f"The tier from {text(lower.min_amount)} is unbounded but another starts at "
                f"{text(upper.min_amount)}: only the last tier may have no maximum."
            )
        elif upper.min_amount < lower.max_amount:
            errors.append(
                f"Tiers overlap: [{text(lower.min_amount)}, {text(lower.max_amount)}) and the tier "
                f"from {text(upper.min_amount)}."
            )
        elif upper.min_amount > lower.max_amount:
            errors.append(
                "Gap between tiers: no tier covers "
                f"[{text(lower.max_amount)}, {text(upper.min_amount)}).",
            )
    if errors:
        raise ValidationError(errors, code="tiers_not_contiguous")


def validate_schedule_period(
    *,
    transaction_type: str,
    provider: str,
    method: str,
    currency_id: str,
    effective_from: datetime,
    effective_until: datetime | None,
    exclude_id: int | None = None,
) -> None:
    """Two schedules for the same type, provider, method and currency may not
    be in force at the same moment: a quote must have one answer.
    """
    clashing = FeeSchedule.objects.using("default").filter(
        transaction_type=transaction_type, provider=provider, method=method, currency_id=currency_id
    )
    clashing = clashing.filter(
        Q(effective_until__isnull=True) | Q(effective_until__gt=effective_from)
    )
    if effective_until is not None:
        clashing = clashing.filter(effective_from__lt=effective_until)
    if exclude_id is not None:
        clashing = clashing.exclude(pk=exclude_id)
    other = clashing.first()
    if other is not None:
        raise ValidationError(
            f"“{other}” covers the same type, provider, method and currency in an "
            "overlapping period; end it first.",
            code="overlapping_schedule",
        )


def create_fee_schedule(
    *,
    name: str,
    transaction_type: str,
    provider: str,
    method: str,
    currency: Currency,
    tiers: Sequence[dict],
    effective_from: datetime | None = None,
    effective_until: datetime | None = None,
) -> FeeSchedule:
    """Create a schedule with its tiers, or raise ValidationError and change nothing."""
    effective_from = (effective_from or timezone.now()).replace(microsecond=0)
    if effective_until is not None:
        effective_until = effective_until.replace(microsecond=0)
    validate_fee_tiers([TierBounds(t["min_amount"], t.get("max_amount")) for t in tiers])
    with transaction.atomic(using="default"):
        validate_schedule_period(
            transaction_type=transaction_type,
            provider=provider,
            method=method,
            currency_id=currency.code,
            effective_from=effective_from,
            effective_until=effective_until,
        )
        schedule = FeeSchedule(
            name=name,
            transaction_type=transaction_type,
            provider=provider,
            method=method,
            currency=currency,
            effective_from=effective_from,
            effective_until=effective_until,
        )
        schedule.full_clean()
        schedule.save(using="default")
        for values in tiers:
            tier = FeeTier(schedule=schedule, **values)
            tier.full_clean()
            tier.save(using="default")
    return schedule
