"""On-ramp end to end through the sandbox provider and its signed webhook."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payments.models import Quote
from tests.payments.conftest import deliver_webhook, payment_event, sign, top_up


def quote(api, amount="25000", provider="flutterwave", method="card"):
    return api.post(
        "/api/v1/onramp/quote", {"amount": amount, "provider": provider, "method": method}
    )


def test_a_quote_prices_the_fees_and_the_cnngn_out(alice):
    response = quote(alice)
    assert response.status_code == 201
    body = response.json()
    # 1.4 % + ₦100 = 450 provider, 0.5 % = 125 platform; 1 NGN = 1 cNGN.
    assert (body["provider_fee"], body["platform_fee"], body["amount_out"]) == (
        "450.00",
        "125.00",
        "24425.0000000",
    )
    assert (body["currency_in"], body["currency_out"], body["rate"]) == ("NGN", "cNGN", "1")
    assert response["Cache-Control"] == "no-store, private"


def test_topping_up_credits_exactly_the_quoted_cngn(alice):
    tx = top_up(alice, "25000", provider="flutterwave", method="card")
    assert tx["status"] == "completed"
    assert [event["status"] for event in tx["timeline"]] == ["awaiting_payment", "completed"]
    assert alice.available() == Decimal("24425")


def test_initiate_returns_payment_instructions_and_waits(alice):
    started = alice.post("/api/v1/onramp/initiate", {"quote_id": quote(alice).json()["id"]})
    assert started.status_code == 201
    tx = started.json()
    assert tx["status"] == "awaiting_payment"
    assert tx["details"]["payment_instructions"]["checkout_url"].startswith("https://sandbox.")
    assert alice.available() == 0


def test_a_repeated_webhook_credits_once(alice):
    started = alice.post("/api/v1/onramp/initiate", {"quote_id": quote(alice).json()["id"]})
    event = payment_event(started.json())
    assert deliver_webhook(event).json() == {"result": "completed"}
    assert deliver_webhook(event).json() == {"result": "duplicate"}
    assert alice.available() == Decimal("24425")


def test_a_completed_payment_cannot_complete_again(alice):
    started = alice.post("/api/v1/onramp/initiate", {"quote_id": quote(alice).json()["id"]})
    assert deliver_webhook(payment_event(started.json())).status_code == 200
    again = deliver_webhook(payment_event(started.json()))  # a new event id, same payment
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "INVALID_TRANSITION"
    assert alice.available() == Decimal("24425")


def test_a_failed_payment_credits_nothing(alice):
    started = alice.post("/api/v1/onramp/initiate", {"quote_id": quote(alice).json()["id"]})
    assert deliver_webhook(payment_event(started.json(), kind="payment.failed")).json() == {
        "result": "failed"
    }
    assert alice.get(f"/api/v1/onramp/status/{started.json()['id']}").json()["status"] == "failed"
    assert alice.available() == 0


@pytest.mark.parametrize(
    ("signature", "status", "code"),
    [("", 401, "INVALID_SIGNATURE"), ("0" * 64, 401, "INVALID_SIGNATURE")],
)
def test_unsigned_or_badly_signed_webhooks_are_refused(alice, signature, status, code):
    started = alice.post("/api/v1/onramp/initiate", {"quote_id": quote(alice).json()["id"]})
    response = deliver_webhook(payment_event(started.json()), signature=signature)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert alice.available() == 0


def test_a_webhook_signed_with_another_secret_is_refused(alice):
    started = alice.post("/api/v1/onramp/initiate", {"quote_id": quote(alice).json()["id"]})
    event = payment_event(started.json())
    forged = sign(json.dumps(event).encode(), secret="not-the-secret")
    assert deliver_webhook(event, signature=forged).status_code == 401


def test_webhook_for_an_unknown_provider_or_reference_or_wrong_amount(alice):
    started = alice.post("/api/v1/onramp/initiate", {"quote_id": quote(alice).json()["id"]})
    tx = started.json()
    assert deliver_webhook(payment_event(tx), provider="stripe").status_code == 404
    unknown = payment_event(tx)
    unknown["data"]["reference"] = "flutterwave_nope"
    assert deliver_webhook(unknown).json()["error"]["code"] == "UNKNOWN_REFERENCE"
    short = deliver_webhook(payment_event(tx, amount="24000.00"))
    assert (short.status_code, short.json()["error"]["code"]) == (409, "AMOUNT_MISMATCH")
    malformed = deliver_webhook({"id": "evt_1"})
    assert malformed.json()["error"]["code"] == "MALFORMED_EVENT"
    assert alice.available() == 0


def test_a_quote_is_used_once(alice):
    quote_id = quote(alice).json()["id"]
    assert alice.post("/api/v1/onramp/initiate", {"quote_id": quote_id}).status_code == 201
    again = alice.post("/api/v1/onramp/initiate", {"quote_id": quote_id})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "QUOTE_ALREADY_USED")


def test_an_expired_quote_is_refused(alice):
    quote_id = quote(alice).json()["id"]
    Quote.objects.filter(pk=quote_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = alice.post("/api/v1/onramp/initiate", {"quote_id": quote_id})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "QUOTE_EXPIRED")


def test_another_users_quote_and_status_are_404s(alice, bob):
    quote_id = quote(alice).json()["id"]
    assert bob.post("/api/v1/onramp/initiate", {"quote_id": quote_id}).status_code == 404
    started = alice.post("/api/v1/onramp/initiate", {"quote_id": quote_id}).json()
    response = bob.get(f"/api/v1/onramp/status/{started['id']}")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"amount": "25000", "provider": "flutterwave"}, "VALIDATION_ERROR"),
        ({"amount": "25000", "provider": "stripe", "method": "card"}, "VALIDATION_ERROR"),
        ({"amount": "25000.001", "provider": "flutterwave", "method": "card"}, "INVALID_AMOUNT"),
        ({"amount": "-1", "provider": "flutterwave", "method": "card"}, "INVALID_AMOUNT"),
        ({"amount": "10", "provider": "flutterwave", "method": "card"}, "NO_FEE_SCHEDULE"),
    ],
)
def test_bad_quotes_are_400s(alice, body, code):
    response = alice.post("/api/v1/onramp/quote", body)
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)


def test_payments_need_a_bearer_token(client, demo):
    response = client.post("/api/v1/onramp/quote", {}, content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
