"""Output shapes of the rates and fees endpoints (and their OpenAPI schema)."""

from rest_framework import serializers

from aframp.api import DecimalStringField


class CurrencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    minor_units = serializers.IntegerField()


class PairRateSerializer(serializers.Serializer):
    pair = serializers.CharField(help_text="BASE/QUOTE")
    base = serializers.CharField()
    quote = serializers.CharField()
    rate = DecimalStringField(
        normalize=True, help_text="Units of quote that one unit of base buys (mid)."
    )
    inverse_rate = DecimalStringField(normalize=True)
    spread = DecimalStringField(normalize=True, help_text="Fraction on each side of the mid rate.")
    source = serializers.CharField()
    last_updated = serializers.DateTimeField(
        source="source_time", help_text="When the source produced the rate."
    )


class RatesSerializer(serializers.Serializer):
    rates = PairRateSerializer(many=True)


class PublicRatesSerializer(serializers.Serializer):
    currencies = CurrencySerializer(many=True)
    rates = PairRateSerializer(many=True)


class FeeTierSerializer(serializers.Serializer):
    min_amount = DecimalStringField(normalize=True)
    max_amount = DecimalStringField(
        normalize=True, allow_null=True, help_text="Exclusive; null: no maximum."
    )
    provider_percent = DecimalStringField(normalize=True)
    provider_flat = DecimalStringField(normalize=True)
    provider_cap = DecimalStringField(normalize=True, allow_null=True)
    platform_percent = DecimalStringField(normalize=True)
    platform_flat = DecimalStringField(normalize=True)
    min_total = DecimalStringField(normalize=True, allow_null=True)
    max_total = DecimalStringField(normalize=True, allow_null=True)


class FeeScheduleSerializer(serializers.Serializer):
    name = serializers.CharField()
    transaction_type = serializers.CharField()
    provider = serializers.CharField()
    method = serializers.CharField()
    currency = serializers.CharField(source="currency_id")
    effective_from = serializers.DateTimeField()
    effective_until = serializers.DateTimeField(allow_null=True)
    tiers = FeeTierSerializer(many=True, source="tiers.all")


class FeeSchedulesSerializer(serializers.Serializer):
    schedules = FeeScheduleSerializer(many=True)


class FeeBreakdownSerializer(serializers.Serializer):
    transaction_type = serializers.CharField()
    provider = serializers.CharField()
    method = serializers.CharField()
    currency = serializers.CharField()
    amount = DecimalStringField()
    provider_fee = DecimalStringField()
    platform_fee = DecimalStringField()
    total_fee = DecimalStringField()
    amount_after_fees = DecimalStringField()
    tier = serializers.CharField(help_text="The amount tier applied, [min, max).")


class FeeQuotesSerializer(serializers.Serializer):
    transaction_type = serializers.CharField()
    currency = serializers.CharField()
    amount = DecimalStringField()
    quotes = FeeBreakdownSerializer(many=True, help_text="Cheapest first.")
    cheapest = FeeBreakdownSerializer()


class FeeQuoteSerializer(serializers.Serializer):
    breakdown = FeeBreakdownSerializer()
