"""The fee calculator against hand-computed fees: tiers, caps, minimums, rounding."""

from decimal import Decimal as D

import pytest

from rates.fees import calculate_fees
from rates.models import Currency, FeeSchedule, FeeTier

NGN = Currency(code="NGN", name="Naira", minor_units=2)
CNGN = Currency(code="cNGN", name="cNGN", minor_units=7)


def fees(amount, currency=NGN, **tier):
    schedule = FeeSchedule(
        pk=1, transaction_type="onramp", provider="flutterwave", method="card", currency=currency
    )
    values = {"min_amount": D(0), "max_amount": None, **tier}
    return calculate_fees(
        schedule=schedule, tier=FeeTier(**values), currency=currency, amount=D(amount)
    )


CARD = {"provider_percent": D("1.4"), "provider_flat": D(100), "provider_cap": D(2000)}


def test_card_payment_in_the_first_tier():
    # 1.4 % of 25,000 = 350, + ₦100 = 450; platform 0.5 % = 125.
    result = fees("25000.00", **CARD, platform_percent=D("0.5"))
    assert (result.provider_fee, result.platform_fee) == (D("450.00"), D("125.00"))
    assert result.total_fee == D("575.00")
    assert result.amount_after_fees == D("24425.00")


def test_provider_fee_is_capped():
    # 1.4 % of 200,000 + 100 = 2,900, capped at 2,000; platform 0.3 % = 600.
    result = fees("200000.00", **CARD, platform_percent=D("0.3"))
    assert result.provider_fee == D("2000.00")
    assert result.platform_fee == D("600.00")
    assert result.total_fee == D("2600.00")


def test_cap_is_reached_exactly_at_its_amount():
    # 1.4 % of 135,714.29 + 100 = 2,000.0000… → 2,000.00, the cap itself.
    assert fees("135714.29", **CARD).provider_fee == D("2000.00")
    # One naira lower the cap does not bite: 1.4 % of 135,713.29 + 100 = 1,999.986 → 1,999.99.
    assert fees("135713.29", **CARD).provider_fee == D("1999.99")


def test_each_component_rounds_half_up_to_the_kobo():
    # 0.5 % of 1,001 = 5.005 → 5.01 (banker's rounding would give 5.00).
    assert fees("1001.00", platform_percent=D("0.5")).platform_fee == D("5.01")
    # 0.5 % of 1,000.99 = 5.00495 → 5.00.
    assert fees("1000.99", platform_percent=D("0.5")).platform_fee == D("5.00")


def test_just_below_a_tier_boundary():
    # 49,999.99: 1.4 % = 699.99986, + 100 = 799.99986 → 800.00; 0.5 % = 249.99995 → 250.00.
    result = fees("49999.99", **CARD, platform_percent=D("0.5"))
    assert (result.provider_fee, result.platform_fee, result.total_fee) == (
        D("800.00"),
        D("250.00"),
        D("1050.00"),
    )


def test_flat_fee_only():
    result = fees("25000.00", provider_flat=D(50))
    assert (result.provider_fee, result.platform_fee, result.total_fee) == (
        D("50.00"),
        0,
        D("50.00"),
    )


def test_minimum_total_is_made_up_by_the_platform_fee():
    # 0.1 % of 500 = 0.50, raised to the ₦10 minimum.
    result = fees("500.00", platform_percent=D("0.1"), min_total=D(10), max_total=D(1000))
    assert (result.provider_fee, result.platform_fee, result.total_fee) == (
        0,
        D("10.00"),
        D("10.00"),
    )


def test_maximum_total_cuts_the_platform_fee_first():
    # 50 + 0.3 % of 5,000,000 (15,000) = 15,050, cut to 10,000: the platform keeps 9,950.
    result = fees("5000000.00", provider_flat=D(50), platform_percent=D("0.3"), max_total=D(10_000))
    assert (result.provider_fee, result.platform_fee, result.total_fee) == (
        D("50.00"),
        D("9950.00"),
        D("10000.00"),
    )


def test_maximum_total_below_the_provider_fee_cuts_both():
    result = fees("1000.00", provider_flat=D(5000), platform_flat=D(100), max_total=D(3000))
    assert (result.provider_fee, result.platform_fee, result.total_fee) == (
        D("3000.00"),
        D("0.00"),
        D("3000.00"),
    )


def test_stellar_assets_round_to_seven_places():
    # 1 % of 1.0000001 = 0.010000001 → 0.0100000.
    result = fees("1.0000001", currency=CNGN, platform_percent=D(1))
    assert result.platform_fee == D("0.0100000")
    assert result.amount_after_fees == D("0.9900001")


@pytest.mark.parametrize("amount", ["0.01", "1", "999999.99", "999999999999.99"])
def test_fees_are_exact_decimals_that_add_up(amount):
    result = fees(amount, **CARD, platform_percent=D("0.5"), platform_flat=D("0.01"))
    assert result.total_fee == result.provider_fee + result.platform_fee
    assert result.amount_after_fees + result.total_fee == D(amount)
    for value in (result.provider_fee, result.platform_fee, result.total_fee):
        assert isinstance(value, D)
        assert value.as_tuple().exponent == -2
