"""GET /api/v1/rates and /public/rates: every parameter combination and error code."""

import pytest
from django.core.management import call_command

from aframp.paths import CACHEABLE, NO_STORE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_data():
    call_command("load_demo_data", verbosity=0)


def rates(client, **params):
    response = client.get("/api/v1/rates", params)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == CACHEABLE
    return response.json()["rates"]


def error(client, path="/api/v1/rates", **params):
    response = client.get(path, params)
    assert response.status_code == 400, response.content
    assert response["Cache-Control"] == NO_STORE
    return response.json()["error"]


def test_all_pairs_and_their_inverses(client):
    pairs = {rate["pair"] for rate in rates(client)}
    assert pairs == {
        "NGN/cNGN",
        "cNGN/NGN",
        "USD/NGN",
        "NGN/USD",
        "USDC/NGN",
        "NGN/USDC",
        "XLM/NGN",
        "NGN/XLM",
    }


def test_one_pair_with_decimals_as_strings_and_the_sources_time(client):
    (usd,) = rates(client, **{"from": "USD", "to": "NGN"})
    assert usd == {
        "pair": "USD/NGN",
        "base": "USD",
        "quote": "NGN",
        "rate": "1545.5",
        "inverse_rate": "0.000647039793",
        "spread": "0.004",
        "source": "aframp-demo-feed",
        "last_updated": "2026-12-04T08:00:00Z",
    }


def test_the_inverse_direction_and_any_letter_case(client):
    (inverse,) = rates(client, **{"from": "ngn", "to": "usd"})
    assert (inverse["pair"], inverse["rate"], inverse["inverse_rate"]) == (
        "NGN/USD",
        "0.000647039793",
        "1545.5",
    )
    (peg,) = rates(client, **{"from": "CNGN", "to": "ngn"})
    assert (peg["pair"], peg["rate"], peg["source"]) == ("cNGN/NGN", "1", "fixed-peg")


def test_several_pairs_in_the_order_asked_without_duplicates(client):
    found = rates(client, pairs="USD/NGN, cNGN/NGN,NGN/XLM,USD/NGN")
    assert [rate["pair"] for rate in found] == ["USD/NGN", "cNGN/NGN", "NGN/XLM"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "EUR", "to": "NGN"}, "INVALID_CURRENCY"),
        ({"from": "USD", "to": ""}, "INVALID_CURRENCY"),
        ({"from": "USD", "to": "XLM"}, "INVALID_PAIR"),
        ({"from": "NGN", "to": "NGN"}, "INVALID_PAIR"),
        ({"from": "USD"}, "MISSING_PARAMETER"),
        ({"to": "NGN"}, "MISSING_PARAMETER"),
        ({"pairs": "USD/NGN", "from": "USD"}, "CONFLICTING_PARAMETERS"),
        ({"pairs": "USDNGN"}, "INVALID_PAIR"),
        ({"pairs": "USD/NGN/XLM"}, "INVALID_PAIR"),
        ({"pairs": "/NGN"}, "INVALID_PAIR"),
        ({"pairs": ","}, "INVALID_PAIR"),
        ({"pairs": "USD/NGN,EUR/NGN"}, "INVALID_CURRENCY"),
        ({"pairs": ",".join(f"USD/NGN{i}" for i in range(21))}, "TOO_MANY_PAIRS"),
        ({"from": "x" * 5000, "to": "NGN"}, "INVALID_CURRENCY"),
        ({"from": "'; DROP TABLE rates_currency; --", "to": "NGN"}, "INVALID_CURRENCY"),
    ],
)
def test_bad_parameters_are_400s_with_a_code(client, params, code):
    assert error(client, **params)["code"] == code


def test_the_missing_parameter_is_named(client):
    assert error(client, **{"from": "USD"})["details"] == {"parameter": "to"}


def test_public_rates_is_the_feed_with_currencies(client):
    response = client.get("/public/rates")
    assert response.status_code == 200
    assert response["Cache-Control"] == CACHEABLE
    body = response.json()
    assert {"code": "cNGN", "name": "cNGN (naira stablecoin on Stellar)", "minor_units": 7} in body[
        "currencies"
    ]
    assert len(body["rates"]) == 8


@pytest.mark.parametrize("path", ["/api/v1/rates", "/public/rates", "/api/v1/fees", "/public/fees"])
def test_cacheable_with_etag_and_304(client, path):
    first = client.get(path)
    assert first["Vary"] == "Accept-Encoding, X-Consistency"
    assert "Set-Cookie" not in first
    again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["Cache-Control"] == CACHEABLE


@pytest.mark.parametrize("path", ["/api/v1/rates", "/public/rates", "/api/v1/fees", "/public/fees"])
def test_writes_are_refused_and_not_stored(client, path):
    response = client.post(path, {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert response["Cache-Control"] == NO_STORE
