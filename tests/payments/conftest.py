"""Fixtures for the payment flows: demo prices, users with tokens, signed webhooks."""

import hashlib
import hmac
import json
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts import services as account_services
from accounts.models import KycProfile, KycStatus
from tests.accounts.factories import make_user, unique_ip


class Api:
    """A signed-in user's HTTP client. POSTs send a fresh Idempotency-Key unless given one."""

    def __init__(self, user):
        self.user = user
        token = account_services.create_token(user=user).token
        self.client = Client(REMOTE_ADDR=unique_ip(), HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, path, params=None):
        return self.client.get(path, params or {})

    def post(self, path, body=None, *, key: str | None = "new"):
        headers = {}
        if key is not None:
            headers["Idempotency-Key"] = uuid.uuid4().hex if key == "new" else key
        return self.client.post(
            path, json.dumps(body or {}), content_type="application/json", headers=headers
        )

    def balance(self, currency="cNGN") -> dict:
        response = self.get("/account/balance")
        assert response.status_code == 200, response.content
        found = [b for b in response.json()["balances"] if b["currency"] == currency]
        return found[0] if found else {"currency": currency, "available": "0", "on_hold": "0"}

    def available(self, currency="cNGN") -> Decimal:
        return Decimal(self.balance(currency)["available"])


def verified(user, tier="standard"):
    """Raise a user to a KYC tier, as an approved verification does."""
    KycProfile.objects.update_or_create(
        user=user, defaults={"tier_id": tier, "status": KycStatus.APPROVED}
    )
    return user


def sign(body: bytes, secret: str | None = None) -> str:
    key = (secret or settings.PAYMENT_WEBHOOK_SECRET).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def deliver_webhook(event: dict, *, provider="flutterwave", signature: str | None = None):
    body = json.dumps(event).encode()
    return Client().post(
        f"/api/v1/onramp/webhook/{provider}",
        body,
        content_type="application/json",
        headers={"X-Signature": signature if signature is not None else sign(body)},
    )


def payment_event(tx: dict, *, kind="payment.succeeded", amount=None, event_id=None) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex}",
        "type": kind,
        "data": {
            "reference": tx["details"]["payment_instructions"]["reference"],
            "amount": amount or tx["amount"],
        },
    }


@pytest.fixture
def demo(db):
    call_command("load_demo_data", verbosity=0)


@pytest.fixture
def alice(demo):
    return Api(verified(make_user()))


@pytest.fixture
def bob(demo):
    return Api(verified(make_user()))


def top_up(api: Api, naira: str = "100000", provider="flutterwave", method="bank_transfer") -> dict:
    """Buy cNGN through the sandbox on-ramp, webhook included; returns the transaction."""
    quote = api.post(
        "/api/v1/onramp/quote", {"amount": naira, "provider": provider, "method": method}
    )
    assert quote.status_code == 201, quote.content
    started = api.post("/api/v1/onramp/initiate", {"quote_id": quote.json()["id"]})
    assert started.status_code == 201, started.content
    tx = started.json()
    confirmed = deliver_webhook(payment_event(tx))
    assert confirmed.json() == {"result": "completed"}, confirmed.content
    return api.get(f"/api/v1/onramp/status/{tx['id']}").json()
