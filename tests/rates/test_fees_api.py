"""GET /api/v1/fees and /public/fees on the demo schedules, with hand-computed fees."""

import pytest
from django.core.management import call_command

from aframp.paths import CACHEABLE
from rates.demo.data import SCHEDULES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_data():
    call_command("load_demo_data", verbosity=0)


def fees(client, **params):
    response = client.get("/api/v1/fees", params)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == CACHEABLE
    return response.json()


def breakdown(client, amount, provider="flutterwave", method="card", type="onramp"):
    body = fees(client, type=type, amount=amount, provider=provider, method=method)
    return body["breakdown"]


def test_without_parameters_every_schedule_in_force_with_its_tiers(client):
    schedules = fees(client)["schedules"]
    assert len(schedules) == len(SCHEDULES)
    card = next(s for s in schedules if s["name"] == "On-ramp · Flutterwave card")
    assert card["tiers"][0] == {
        "min_amount": "1000",
        "max_amount": "50000",
        "provider_percent": "1.4",
        "provider_flat": "100",
        "provider_cap": "2000",
        "platform_percent": "0.5",
        "platform_flat": "0",
        "min_total": None,
        "max_total": None,
    }
    assert [t["platform_percent"] for t in card["tiers"]] == ["0.5", "0.3", "0.2"]


def test_type_alone_filters_the_schedules(client):
    schedules = fees(client, type="offramp")["schedules"]
    assert {s["transaction_type"] for s in schedules} == {"offramp"}
    assert len(schedules) == 2


def test_one_breakdown_for_provider_and_method(client):
    assert breakdown(client, "25000") == {
        "transaction_type": "onramp",
        "provider": "flutterwave",
        "method": "card",
        "currency": "NGN",
        "amount": "25000.00",
        "provider_fee": "450.00",
        "platform_fee": "125.00",
        "total_fee": "575.00",
        "amount_after_fees": "24425.00",
        "tier": "[1,000, 50,000)",
    }


@pytest.mark.parametrize(
    ("amount", "provider_fee", "platform_fee", "tier"),
    [
        ("1000", "114.00", "5.00", "[1,000, 50,000)"),  # lowest amount of the first tier
        ("49999.99", "800.00", "250.00", "[1,000, 50,000)"),  # 0.01 below the boundary
        ("50000", "800.00", "150.00", "[50,000, 500,000)"),  # the boundary: next tier
        ("135714.29", "2000.00", "407.14", "[50,000, 500,000)"),  # the cap reached
        ("500000", "2000.00", "1000.00", "[500,000, 10,000,000)"),
    ],
)
def test_card_fees_at_tier_boundaries_and_the_cap(client, amount, provider_fee, platform_fee, tier):
    result = breakdown(client, amount)
    assert (result["provider_fee"], result["platform_fee"], result["tier"]) == (
        provider_fee,
        platform_fee,
        tier,
    )


def test_paystack_card_is_one_and_a_half_percent(client):
    # 1.5 % of 25,000 + 100 = 475; platform 0.5 % = 125.
    assert breakdown(client, "25000", provider="paystack")["total_fee"] == "600.00"


def test_transfer_minimum_and_maximum_total(client):
    small = breakdown(client, "500", provider="aframp", method="wallet", type="transfer")
    assert small["total_fee"] == "10.00"  # 0.1 % is 0.50, the minimum is ₦10
    large = breakdown(client, "5000000", provider="aframp", method="wallet", type="transfer")
    assert large["total_fee"] == "1000.00"  # 0.1 % is 5,000, the maximum is ₦1,000


def test_every_provider_and_the_cheapest(client):
    body = fees(client, type="onramp", amount="25000")
    totals = {(q["provider"], q["method"]): q["total_fee"] for q in body["quotes"]}
    assert totals == {
        ("flutterwave", "ussd"): "175.00",  # ₦50 + 0.5 %
        ("flutterwave", "bank_transfer"): "275.00",  # 0.8 % + 0.3 %
        ("flutterwave", "card"): "575.00",
        ("paystack", "card"): "600.00",
    }
    assert [q["total_fee"] for q in body["quotes"]] == sorted(totals.values(), key=float)
    assert body["cheapest"]["method"] == "ussd"
    assert (body["amount"], body["currency"], body["transaction_type"]) == (
        "25000.00",
        "NGN",
        "onramp",
    )


def test_provider_alone_narrows_the_quotes(client):
    body = fees(client, type="onramp", amount="25000", provider="flutterwave")
    assert {q["provider"] for q in body["quotes"]} == {"flutterwave"}
    assert len(body["quotes"]) == 3


def test_amounts_only_some_providers_cover_are_quoted_by_those(client):
    # USSD stops at ₦200,000.
    body = fees(client, type="onramp", amount="250000")
    assert ("flutterwave", "ussd") not in {(q["provider"], q["method"]) for q in body["quotes"]}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"type": "swap", "amount": "100"}, "INVALID_TRANSACTION_TYPE"),
        ({"type": "onramp", "amount": "abc"}, "INVALID_AMOUNT"),
        ({"type": "onramp", "amount": "-5"}, "INVALID_AMOUNT"),
        ({"type": "onramp", "amount": "0"}, "INVALID_AMOUNT"),
        ({"type": "onramp", "amount": "100.001"}, "INVALID_AMOUNT"),
        ({"type": "onramp", "amount": "NaN"}, "INVALID_AMOUNT"),
        ({"type": "onramp", "amount": "Infinity"}, "INVALID_AMOUNT"),
        ({"type": "onramp", "amount": "1e400"}, "INVALID_AMOUNT"),
        ({"type": "onramp", "amount": "9" * 500}, "INVALID_AMOUNT"),
        ({"type": "onramp", "amount": "100", "provider": "stripe"}, "INVALID_PROVIDER"),
        ({"type": "onramp", "amount": "100", "method": "cash"}, "INVALID_METHOD"),
        ({"type": "onramp", "amount": "100", "currency": "EUR"}, "INVALID_CURRENCY"),
        ({"amount": "100"}, "MISSING_PARAMETER"),
        ({"provider": "paystack"}, "MISSING_PARAMETER"),
        ({"type": "onramp", "amount": "10"}, "NO_FEE_SCHEDULE"),  # below every tier
        ({"type": "onramp", "amount": "20000000", "method": "card"}, "NO_FEE_SCHEDULE"),
        ({"type": "onramp", "amount": "100", "provider": "aframp"}, "NO_FEE_SCHEDULE"),
        ({"type": "onramp", "amount": "100", "currency": "USD"}, "NO_FEE_SCHEDULE"),
    ],
)
def test_bad_parameters_are_400s_with_a_code(client, params, code):
    response = client.get("/api/v1/fees", params)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code


def test_public_fees_is_the_catalogue(client):
    response = client.get("/public/fees")
    assert response.status_code == 200
    assert response["Cache-Control"] == CACHEABLE
    assert len(response.json()["schedules"]) == len(SCHEDULES)
