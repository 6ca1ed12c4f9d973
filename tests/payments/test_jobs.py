"""The scheduled jobs: finishing stuck payouts and expiring unpaid on-ramps."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from payments import services
from payments.models import Transaction
from tests.payments.conftest import top_up

BANK = {"bank_code": "058", "account_number": "0123456789", "account_name": "Ada Obi"}


def stuck_offramp(api, amount="1000") -> Transaction:
    """An off-ramp whose payout call never came back: held, processing, minutes old."""
    quote = api.post(
        "/api/v1/offramp/quote",
        {"amount": amount, "provider": "flutterwave", "method": "bank_transfer"},
    ).json()
    bank = services.validate_bank_account(**BANK)
    tx = services.initiate_offramp(user=api.user, quote_id=quote["id"], bank=bank)
    Transaction.objects.filter(pk=tx.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    return tx


def test_a_stuck_payout_is_finished_once(alice):
    top_up(alice)  # 98,900 cNGN
    tx = stuck_offramp(alice)
    assert alice.balance()["on_hold"] == "1000.0000000"
    out = StringIO()
    call_command("process_payouts", stdout=out)
    assert "1 stuck payouts finished: 1 completed" in out.getvalue()
    tx.refresh_from_db()
    assert tx.status == "completed"
    assert tx.details["payout_reference"] == f"aframp-payout-{tx.pk}"
    assert alice.available() == Decimal("97900")
    assert Decimal(alice.balance()["on_hold"]) == 0
    assert services.retry_stuck_payouts() == []  # nothing left to do


def test_a_recent_processing_payout_is_left_alone(alice):
    top_up(alice)
    tx = stuck_offramp(alice)
    Transaction.objects.filter(pk=tx.pk).update(updated_at=timezone.now())
    assert services.retry_stuck_payouts() == []
    tx.refresh_from_db()
    assert tx.status == "processing"


def test_unpaid_onramps_expire(alice):
    quote = alice.post(
        "/api/v1/onramp/quote", {"amount": "5000", "provider": "flutterwave", "method": "card"}
    ).json()
    tx = alice.post("/api/v1/onramp/initiate", {"quote_id": quote["id"]}).json()
    out = StringIO()
    call_command("expire_onramps", stdout=out)
    assert "0 on-ramps expired" in out.getvalue()
    Transaction.objects.filter(pk=tx["id"]).update(created_at=timezone.now() - timedelta(days=2))
    call_command("expire_onramps", stdout=out)
    status = alice.get(f"/api/v1/onramp/status/{tx['id']}").json()
    assert status["status"] == "expired"
    assert [event["status"] for event in status["timeline"]] == ["awaiting_payment", "expired"]
