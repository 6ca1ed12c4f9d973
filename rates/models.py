"""Currencies, exchange rates and fee schedules: the prices the edge serves.

Money and rates are Decimal columns, never floats. Rates carry 12 decimal
places (the inverse of a naira rate, e.g. 1 NGN in USD, is tiny) in 28 digits
(room for very large ones); amounts carry the 7 decimal places of Stellar
assets in 24 digits.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

RATE_DIGITS = {"max_digits": 28, "decimal_places": 12}
AMOUNT_DIGITS = {"max_digits": 24, "decimal_places": 7}
PERCENT_DIGITS = {"max_digits": 7, "decimal_places": 4}
PERCENT_RANGE = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class Currency(models.Model):
    code = models.CharField(max_length=12, primary_key=True)  # e.g. NGN, cNGN, USDC
    name = models.CharField(max_length=64)
    minor_units = models.PositiveSmallIntegerField(
        help_text="Decimal places of the smallest unit: 2 for NGN and USD, 7 for Stellar assets."
    )

    class Meta:
        verbose_name_plural = "currencies"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minor_units__lte=7), name="currency_minor_units_at_most_7"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def minor_unit(self) -> Decimal:
        """The smallest amount of this currency, e.g. Decimal('0.01') for NGN."""
        return Decimal(1).scaleb(-self.minor_units)


class ExchangeRate(models.Model):
    """The current rate of one pair: 1 `base` buys `rate` units of `quote`."""

    base = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    quote = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField(**RATE_DIGITS)
    inverse_rate = models.DecimalField(**RATE_DIGITS)
    spread = models.DecimalField(
        max_digits=7,
        decimal_places=6,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("0.5"))],
        help_text="Fraction added on each side of the mid rate, e.g. 0.005 for 0.5 %.",
    )
    source = models.CharField(max_length=64)
    source_time = models.DateTimeField(help_text="When the source produced this rate.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["base", "quote"]
        constraints = [
            models.UniqueConstraint(fields=["base", "quote"], name="one_rate_per_pair"),
            models.CheckConstraint(condition=~Q(base=F("quote")), name="rate_pair_distinct"),
            models.CheckConstraint(
                condition=Q(rate__gt=0) & Q(inverse_rate__gt=0), name="rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.base_id}/{self.quote_id} {self.rate}"


class ExchangeRateHistory(models.Model):
    """Every rate ever stored, appended by each refresh; never updated."""

    base = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    quote = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField(**RATE_DIGITS)
    inverse_rate = models.DecimalField(**RATE_DIGITS)
    spread = models.DecimalField(max_digits=7, decimal_places=6)
    source = models.CharField(max_length=64)
    source_time = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "exchange rate history"
        ordering = ["-source_time"]
        indexes = [models.Index(fields=["base", "quote", "-source_time"])]

    def __str__(self) -> str:
        return f"{self.base_id}/{self.quote_id} {self.rate} @ {self.source_time:%Y-%m-%d %H:%M}"


class TransactionType(models.TextChoices):
    ONRAMP = "onramp"
    OFFRAMP = "offramp"
    TRANSFER = "transfer"
    REDEMPTION = "redemption"
    MINT = "mint"


class PaymentProvider(models.TextChoices):
    FLUTTERWAVE = "flutterwave"
    PAYSTACK = "paystack"
    AFRAMP = "aframp", "Aframp (internal)"


class PaymentMethod(models.TextChoices):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    USSD = "ussd", "USSD"
    WALLET = "wallet"


def now_to_the_second():
    """Schedules start and end on whole seconds, as the admin shows and edits them."""
    return timezone.now().replace(microsecond=0)


class FeeScheduleQuerySet(models.QuerySet):
    def effective_at(self, moment):
        return self.filter(
            Q(effective_from__lte=moment),
            Q(effective_until__isnull=True) | Q(effective_until__gt=moment),
        )


class FeeSchedule(models.Model):
    """The fees of one transaction type through one provider and method, in one currency,
    for a period; its tiers cover contiguous amount ranges [min, max).
    """

    name = models.CharField(max_length=120)
    transaction_type = models.CharField(max_length=16, choices=TransactionType.choices)
    provider = models.CharField(max_length=32, choices=PaymentProvider.choices)
    method = models.CharField(max_length=32, choices=PaymentMethod.choices)
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateTimeField(default=now_to_the_second)
    effective_until = models.DateTimeField(null=True, blank=True)

    objects = FeeScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["transaction_type", "provider", "method", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gt=F("effective_from")),
                name="fee_schedule_period_positive",
                violation_error_message="A schedule must end after it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_effective_at(self, moment) -> bool:
        return self.effective_from <= moment and (
            self.effective_until is None or moment < self.effective_until
        )


class FeeTier(models.Model):
    """Fees for amounts in [min_amount, max_amount); an empty max_amount is unbounded.

    provider fee = amount × provider_percent % + provider_flat, at most provider_cap;
    platform fee = amount × platform_percent % + platform_flat;
    the total is then kept within [min_total, max_total] (see rates.fees).
    """

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="tiers")
    min_amount = models.DecimalField(**AMOUNT_DIGITS, validators=NON_NEGATIVE)
    max_amount = models.DecimalField(**AMOUNT_DIGITS, null=True, blank=True)
    provider_percent = models.DecimalField(
        **PERCENT_DIGITS, default=Decimal(0), validators=PERCENT_RANGE
    )
    provider_flat = models.DecimalField(
        **AMOUNT_DIGITS, default=Decimal(0), validators=NON_NEGATIVE
    )
    provider_cap = models.DecimalField(
        **AMOUNT_DIGITS, null=True, blank=True, validators=NON_NEGATIVE
    )
    platform_percent = models.DecimalField(
        **PERCENT_DIGITS, default=Decimal(0), validators=PERCENT_RANGE
    )
    platform_flat = models.DecimalField(
        **AMOUNT_DIGITS, default=Decimal(0), validators=NON_NEGATIVE
    )
    min_total = models.DecimalField(**AMOUNT_DIGITS, null=True, blank=True, validators=NON_NEGATIVE)
    max_total = models.DecimalField(**AMOUNT_DIGITS, null=True, blank=True, validators=NON_NEGATIVE)

    class Meta:
        ordering = ["schedule", "min_amount"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gt=F("min_amount")),
                name="fee_tier_min_below_max",
                violation_error_message="The tier's maximum amount must be above its minimum.",
            ),
            models.CheckConstraint(
                condition=Q(provider_percent__gte=0, provider_percent__lte=100)
                & Q(platform_percent__gte=0, platform_percent__lte=100),
                name="fee_tier_percent_in_range",
                violation_error_message="Percentages must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(min_total__isnull=True)
                | Q(max_total__isnull=True)
                | Q(min_total__lte=F("max_total")),
                name="fee_tier_min_total_below_max_total",
                violation_error_message="The minimum total fee must not exceed the maximum.",
            ),
            models.CheckConstraint(
                condition=Q(min_amount__gte=0)
                & Q(provider_flat__gte=0)
                & Q(platform_flat__gte=0)
                & (Q(provider_cap__isnull=True) | Q(provider_cap__gte=0)),
                name="fee_tier_amounts_non_negative",
                violation_error_message="Amounts and fees must not be negative.",
            ),
        ]

    def __str__(self) -> str:
        upper = "∞" if self.max_amount is None else f"{self.max_amount.normalize():,f}"
        return f"[{self.min_amount.normalize():,f}, {upper})"

    def contains(self, amount: Decimal) -> bool:
        return self.min_amount <= amount and (self.max_amount is None or amount < self.max_amount)
