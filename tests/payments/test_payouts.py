"""Off-ramp and redemptions end to end through the sandbox payout, and the KYC limits
every money movement is held to.

Money is checked against hand-computed amounts. Starting balance in most tests:
`top_up(api, "100000")` through Flutterwave bank transfer costs 0.8 % = ₦800 provider
(under the ₦3,000 cap) + 0.3 % = ₦300 platform, so 100,000 − 1,100 = 98,900 cNGN.
cNGN/NGN is pegged 1:1.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.utils import timezone

from accounts.models import KycTier
from payments import services
from payments.models import AccountKind, LedgerAccount, Quote, Transaction
from tests.accounts.factories import make_user
from tests.payments.conftest import Api, deliver_webhook, payment_event, top_up

START = Decimal("98900")  # cNGN after top_up(api, "100000"), see the module docstring
LAGOS = ZoneInfo("Africa/Lagos")

GOOD_ACCOUNT = {"bank_code": "058", "account_number": "0123456789", "account_name": "Ada Obi"}
# The sandbox provider fails payouts to account numbers ending in 0000 (a closed account).
CLOSED_ACCOUNT = {**GOOD_ACCOUNT, "account_number": "0123450000"}


@pytest.fixture
def funded(alice):
    """alice with 98,900 cNGN."""
    top_up(alice, "100000")
    assert alice.available() == START
    return alice


@pytest.fixture
def unverified(demo):
    """A user who never submitted KYC: ₦50,000 a transaction, ₦50,000 a day, ₦200,000 a month."""
    return Api(make_user())


# --- helpers -------------------------------------------------------------------------


def on_hold(api, currency="cNGN") -> Decimal:
    return Decimal(api.balance(currency)["on_hold"])


def offramp_quote(api, amount, provider="flutterwave"):
    return api.post(
        "/api/v1/offramp/quote",
        {"amount": amount, "provider": provider, "method": "bank_transfer"},
    )


def offramp(api, amount, account=GOOD_ACCOUNT, *, key="new"):
    quote = offramp_quote(api, amount)
    assert quote.status_code == 201, quote.content
    return api.post(
        "/api/v1/offramp/initiate", {"quote_id": quote.json()["id"], **account}, key=key
    )


def redeem(api, amount, account=GOOD_ACCOUNT, *, key="new"):
    return api.post("/api/v1/redemptions", {"amount": amount, **account}, key=key)


def onramp(api, naira):
    quote = api.post(
        "/api/v1/onramp/quote",
        {"amount": naira, "provider": "flutterwave", "method": "bank_transfer"},
    )
    assert quote.status_code == 201, quote.content
    return api.post("/api/v1/onramp/initiate", {"quote_id": quote.json()["id"]})


def error(response):
    return response.status_code, response.json()["error"]["code"]


def platform_balances() -> dict[tuple[str, str], Decimal]:
    return {
        (account.kind, account.currency_id): account.balance
        for account in LedgerAccount.objects.filter(user=None)
    }


def change(before: dict, after: dict) -> dict:
    keys = set(before) | set(after)
    moved = {key: after.get(key, Decimal(0)) - before.get(key, Decimal(0)) for key in keys}
    return {key: amount for key, amount in moved.items() if amount}


def assert_ledger_balanced():
    """Every currency sums to zero over all ledger accounts; no user balance is negative."""
    totals = defaultdict(Decimal)
    for row in LedgerAccount.objects.values("currency_id").annotate(total=Sum("balance")):
        totals[row["currency_id"]] = row["total"]
    assert all(total == 0 for total in totals.values()), dict(totals)
    assert not LedgerAccount.objects.filter(user__isnull=False, balance__lt=0).exists()


def statuses(tx: dict) -> list[str]:
    return [event["status"] for event in tx["timeline"]]


# --- Off-ramp quotes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "provider", "provider_fee", "platform_fee", "amount_out"),
    [
        # Tier ₦1,000–5,000: ₦10 flat; 0.5 % × 4,999.99 = 24.99995 → 25.00 (half up);
        # 4,999.99 − 35.00 = 4,964.99.
        ("4999.99", "flutterwave", "10.00", "25.00", "4964.99"),
        # ₦5,000 opens the ₦5,000–50,000 tier: ₦25 flat + 0.5 % = 25; 5,000 − 50 = 4,950.
        ("5000", "flutterwave", "25.00", "25.00", "4950.00"),
        # ₦25 + 0.5 % × 20,000 = 100; 20,000 − 125 = 19,875.
        ("20000", "flutterwave", "25.00", "100.00", "19875.00"),
        # Tier from ₦50,000: ₦50 + 0.3 % × 60,000 = 180; 60,000 − 230 = 59,770.
        ("60000", "flutterwave", "50.00", "180.00", "59770.00"),
        # ₦50 + 0.3 % × 4,000,000 = 12,000 → 12,050 > max ₦10,000: the platform fee is cut
        # by 2,050 to 9,950; 4,000,000 − 10,000 = 3,990,000.
        ("4000000", "flutterwave", "50.00", "9950.00", "3990000.00"),
        # 1,234.5678999 cNGN is ₦1,234.56 (rounded down to the kobo); ₦10 + 0.5 % ×
        # 1,234.56 = 6.1728 → 6.17; 1,234.56 − 16.17 = 1,218.39.
        ("1234.5678999", "flutterwave", "10.00", "6.17", "1218.39"),
        # Paystack payout: ₦50 + 0.5 % × 20,000 = 100; 20,000 − 150 = 19,850.
        ("20000", "paystack", "50.00", "100.00", "19850.00"),
    ],
)
def test_an_offramp_quote_prices_the_payout_fees(
    alice, amount, provider, provider_fee, platform_fee, amount_out
):
    response = offramp_quote(alice, amount, provider)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["provider_fee"], body["platform_fee"], body["amount_out"]) == (
        provider_fee,
        platform_fee,
        amount_out,
    )
    assert (body["direction"], body["currency_in"], body["currency_out"], body["rate"]) == (
        "offramp",
        "cNGN",
        "NGN",
        "1",
    )
    assert Decimal(body["amount_in"]) == Decimal(amount)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"amount": "999.99", "provider": "flutterwave"}, "NO_FEE_SCHEDULE"),
        ({"amount": "20000", "provider": "flutterwave", "method": "card"}, "VALIDATION_ERROR"),
        ({"amount": "20000.00000001", "provider": "flutterwave"}, "INVALID_AMOUNT"),
        ({"amount": "0", "provider": "flutterwave"}, "INVALID_AMOUNT"),
    ],
)
def test_bad_offramp_quotes_are_400s(alice, body, code):
    assert error(alice.post("/api/v1/offramp/quote", body)) == (400, code)


# --- Off-ramp ------------------------------------------------------------------------


def test_an_offramp_pays_out_at_once_and_takes_exactly_the_amount(funded):
    before = platform_balances()
    response = offramp(funded, "20000")
    assert response.status_code == 201, response.content
    tx = response.json()
    assert (tx["type"], tx["status"], tx["direction"]) == ("offramp", "completed", "out")
    assert statuses(tx) == ["processing", "completed"]
    assert (tx["amount"], tx["currency"]) == ("20000.0000000", "cNGN")
    # ₦25 provider + ₦100 platform (see the quote test); the bank gets 19,875.
    assert Decimal(tx["fee"]) == Decimal("125")
    details = tx["details"]
    assert (Decimal(details["gross_ngn"]), Decimal(details["amount_out"])) == (
        Decimal("20000"),
        Decimal("19875"),
    )
    assert details["currency_out"] == "NGN"
    assert details["payout_reference"] == f"aframp-payout-{tx['id']}"  # paid once per reference
    assert details["bank"] == {
        "bank_code": "058",
        "bank_name": "Guaranty Trust Bank",
        "account_number": "******6789",
        "account_name": "Ada Obi",
    }
    assert "0123456789" not in response.content.decode()

    # 98,900 − 20,000 = 78,900 available; nothing left on hold.
    assert funded.available() == Decimal("78900")
    assert on_hold(funded) == 0
    # The 20,000 cNGN is burned; the reserve pays ₦20,000: ₦100 platform fee and
    # ₦19,900 in flight to the provider (the bank's 19,875 + its ₦25 fee).
    assert change(before, platform_balances()) == {
        (AccountKind.ISSUANCE, "cNGN"): Decimal("20000"),
        (AccountKind.RESERVE, "NGN"): Decimal("-20000"),
        (AccountKind.PLATFORM_FEES, "NGN"): Decimal("100"),
        (AccountKind.PAYOUTS_IN_FLIGHT, "NGN"): Decimal("19900"),
    }
    assert_ledger_balanced()

    status = funded.get(f"/api/v1/offramp/status/{tx['id']}")
    assert status.status_code == 200
    assert status.json()["status"] == "completed"
    assert status.json()["details"]["bank"]["account_number"] == "******6789"


def test_a_failed_payout_refunds_the_hold(funded):
    before = platform_balances()
    response = offramp(funded, "20000", CLOSED_ACCOUNT)
    assert response.status_code == 201, response.content
    tx = response.json()
    assert tx["status"] == "failed"
    assert statuses(tx) == ["processing", "failed"]
    assert tx["details"]["bank"]["account_number"] == "******0000"
    assert "closed" in tx["timeline"][-1]["note"]
    # The hold went back: 98,900 available again, nothing burned or paid.
    assert funded.available() == START
    assert on_hold(funded) == 0
    assert change(before, platform_balances()) == {}
    assert_ledger_balanced()
    assert funded.get(f"/api/v1/offramp/status/{tx['id']}").json()["status"] == "failed"


def test_another_users_offramp_status_is_a_404(funded, bob):
    tx = offramp(funded, "20000").json()
    response = bob.get(f"/api/v1/offramp/status/{tx['id']}")
    assert error(response) == (404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("account", "code"),
    [
        ({"bank_code": "999"}, "INVALID_BANK"),
        ({"bank_code": ""}, "VALIDATION_ERROR"),
        ({"account_number": "012345678"}, "INVALID_ACCOUNT_NUMBER"),  # 9 digits
        ({"account_number": "01234567890"}, "INVALID_ACCOUNT_NUMBER"),  # 11 digits
        ({"account_number": "01234abcde"}, "INVALID_ACCOUNT_NUMBER"),
        ({"account_number": "01234 6789"}, "INVALID_ACCOUNT_NUMBER"),
        ({"account_name": ""}, "VALIDATION_ERROR"),
        ({"account_name": "   "}, "VALIDATION_ERROR"),
        ({"account_name": "A"}, "INVALID_ACCOUNT_NAME"),
    ],
)
def test_bad_bank_details_are_400s_and_move_nothing(funded, account, code):
    quote_id = offramp_quote(funded, "20000").json()["id"]
    response = funded.post(
        "/api/v1/offramp/initiate", {"quote_id": quote_id, **GOOD_ACCOUNT, **account}
    )
    assert error(response) == (400, code)
    assert funded.available() == START
    assert on_hold(funded) == 0
    assert not Transaction.objects.filter(type="offramp").exists()
    # The quote was not used up by the refused request.
    assert Quote.objects.get(pk=quote_id).consumed_at is None


def test_a_nuban_is_ten_ascii_digits_not_any_unicode_digits(funded):
    # "٠١٢٣٤٥٦٧٨٩" is ten Arabic-Indic digits: str.isdigit() accepts them, a bank does not.
    quote_id = offramp_quote(funded, "20000").json()["id"]
    response = funded.post(
        "/api/v1/offramp/initiate",
        {"quote_id": quote_id, **GOOD_ACCOUNT, "account_number": "٠١٢٣٤٥٦٧٨٩"},
    )
    assert error(response) == (400, "INVALID_ACCOUNT_NUMBER")
    assert funded.available() == START


def test_an_offramp_larger_than_the_balance_is_insufficient_funds(funded):
    response = offramp(funded, "200000")
    assert error(response) == (422, "INSUFFICIENT_FUNDS")
    assert response.json()["error"]["details"] == {
        "currency": "cNGN",
        "available": "98900.0000000",
        "required": "200000.0000000",
    }
    assert funded.available() == START
    assert on_hold(funded) == 0
    assert not Transaction.objects.filter(type="offramp").exists()


def test_an_offramp_of_the_whole_balance_is_allowed(funded):
    response = offramp(funded, "98900")
    assert response.json()["status"] == "completed"
    assert funded.available() == 0
    assert on_hold(funded) == 0


def test_an_offramp_quote_is_used_once(funded):
    quote_id = offramp_quote(funded, "20000").json()["id"]
    body = {"quote_id": quote_id, **GOOD_ACCOUNT}
    assert funded.post("/api/v1/offramp/initiate", body).status_code == 201
    again = funded.post("/api/v1/offramp/initiate", body)  # a new Idempotency-Key
    assert error(again) == (409, "QUOTE_ALREADY_USED")
    assert funded.available() == Decimal("78900")  # 98,900 − 20,000, once


def test_an_expired_offramp_quote_is_refused(funded):
    quote_id = offramp_quote(funded, "20000").json()["id"]
    Quote.objects.filter(pk=quote_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = funded.post("/api/v1/offramp/initiate", {"quote_id": quote_id, **GOOD_ACCOUNT})
    assert error(response) == (409, "QUOTE_EXPIRED")
    assert funded.available() == START


def test_another_users_quote_or_an_onramp_quote_cannot_be_offramped(funded, bob):
    top_up(bob, "100000")
    alices_quote = offramp_quote(funded, "20000").json()["id"]
    response = bob.post("/api/v1/offramp/initiate", {"quote_id": alices_quote, **GOOD_ACCOUNT})
    assert error(response) == (404, "QUOTE_NOT_FOUND")
    onramp_quote = funded.post(
        "/api/v1/onramp/quote", {"amount": "20000", "provider": "flutterwave", "method": "card"}
    ).json()["id"]
    response = funded.post("/api/v1/offramp/initiate", {"quote_id": onramp_quote, **GOOD_ACCOUNT})
    assert error(response) == (404, "QUOTE_NOT_FOUND")
    assert funded.available() == bob.available() == START


def test_a_replayed_offramp_moves_nothing_again(funded):
    first = offramp(funded, "20000", key="offramp-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    # Same key, same body: the quote id and bank details are those of the first call.
    quote_id = first.json()["details"]["quote_id"]
    replay = funded.post(
        "/api/v1/offramp/initiate", {"quote_id": quote_id, **GOOD_ACCOUNT}, key="offramp-1"
    )
    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert funded.available() == Decimal("78900")  # 98,900 − 20,000, once
    assert on_hold(funded) == 0
    assert Transaction.objects.filter(type="offramp").count() == 1


def test_a_replayed_offramp_answers_what_the_first_call_answered(funded):
    # The first call answered "completed" (the sandbox payout ran); a retry with the
    # same key must get that same answer, not an earlier state of the transaction.
    first = offramp(funded, "20000", key="offramp-2")
    quote_id = first.json()["details"]["quote_id"]
    replay = funded.post(
        "/api/v1/offramp/initiate", {"quote_id": quote_id, **GOOD_ACCOUNT}, key="offramp-2"
    )
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json()["status"] == first.json()["status"] == "completed"
    assert replay.json() == first.json()


def test_an_offramp_key_reused_for_another_body_is_refused(funded):
    first = offramp(funded, "20000", key="offramp-3")
    other = funded.post(
        "/api/v1/offramp/initiate",
        {"quote_id": first.json()["details"]["quote_id"], **CLOSED_ACCOUNT},
        key="offramp-3",
    )
    assert error(other) == (409, "IDEMPOTENCY_KEY_REUSED")
    assert funded.available() == Decimal("78900")


def test_an_offramp_needs_an_idempotency_key(funded):
    response = offramp(funded, "20000", key=None)
    assert error(response) == (400, "IDEMPOTENCY_KEY_REQUIRED")
    assert funded.available() == START


# --- Redemptions ---------------------------------------------------------------------


def test_a_redemption_puts_the_amount_on_hold_until_paid(funded):
    response = redeem(funded, "10000")
    assert response.status_code == 201, response.content
    tx = response.json()
    assert (tx["type"], tx["status"], tx["direction"]) == ("redemption", "pending", "out")
    assert statuses(tx) == ["pending"]
    assert Decimal(tx["amount"]) == Decimal("10000")
    # Flutterwave redemption: ₦50 flat + 0.2 % × 10,000 = 20 → 70; the bank gets 9,930.
    assert Decimal(tx["fee"]) == Decimal("70")
    details = tx["details"]
    assert (details["provider_fee"], details["platform_fee"], details["amount_out"]) == (
        "50.00",
        "20.00",
        "9930.00",
    )
    assert details["bank"]["account_number"] == "******6789"
    # 98,900 − 10,000 = 88,900 available, 10,000 on hold.
    assert funded.available() == Decimal("88900")
    assert on_hold(funded) == Decimal("10000")

    shown = funded.get(f"/api/v1/redemptions/{tx['id']}")
    assert shown.status_code == 200
    assert (shown.json()["id"], shown.json()["status"]) == (tx["id"], "pending")
    assert_ledger_balanced()


def test_cancelling_a_pending_redemption_releases_the_hold(funded):
    tx = redeem(funded, "10000").json()
    cancelled = funded.post(f"/api/v1/redemptions/{tx['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert statuses(cancelled.json()) == ["pending", "cancelled"]
    assert funded.available() == START
    assert on_hold(funded) == 0

    again = funded.post(f"/api/v1/redemptions/{tx['id']}/cancel")
    assert error(again) == (409, "INVALID_TRANSITION")
    assert again.json()["error"]["details"] == {"from": "cancelled", "to": "cancelled"}
    assert funded.available() == START  # released once
    assert on_hold(funded) == 0
    assert funded.get(f"/api/v1/redemptions/{tx['id']}").json()["status"] == "cancelled"


def test_processing_pays_pending_redemptions_or_refunds_failed_ones(funded):
    paid = redeem(funded, "10000").json()
    bounced = redeem(funded, "5000", CLOSED_ACCOUNT).json()
    # 98,900 − 10,000 − 5,000 = 83,900 available; 15,000 on hold.
    assert (funded.available(), on_hold(funded)) == (Decimal("83900"), Decimal("15000"))
    before = platform_balances()

    processed = services.process_pending_redemptions()

    assert {str(tx.pk): tx.status for tx in processed} == {
        paid["id"]: "completed",
        bounced["id"]: "failed",
    }
    paid_now = funded.get(f"/api/v1/redemptions/{paid['id']}").json()
    bounced_now = funded.get(f"/api/v1/redemptions/{bounced['id']}").json()
    assert statuses(paid_now) == ["pending", "processing", "completed"]
    assert statuses(bounced_now) == ["pending", "processing", "failed"]
    assert paid_now["details"]["payout_reference"] == f"aframp-payout-{paid['id']}"
    # The 10,000 was burned, the 5,000 came back: 83,900 + 5,000 = 88,900; no hold.
    assert funded.available() == Decimal("88900")
    assert on_hold(funded) == 0
    # Burned: issuance +10,000 cNGN; the reserve pays ₦10,000: ₦20 platform fee,
    # ₦9,980 in flight (the bank's 9,930 + the provider's ₦50).
    assert change(before, platform_balances()) == {
        (AccountKind.ISSUANCE, "cNGN"): Decimal("10000"),
        (AccountKind.RESERVE, "NGN"): Decimal("-10000"),
        (AccountKind.PLATFORM_FEES, "NGN"): Decimal("20"),
        (AccountKind.PAYOUTS_IN_FLIGHT, "NGN"): Decimal("9980"),
    }
    assert_ledger_balanced()
    # Nothing is left to process.
    assert services.process_pending_redemptions() == []


def test_a_processed_redemption_can_no_longer_be_cancelled(funded):
    tx = redeem(funded, "10000").json()
    services.process_pending_redemptions()
    response = funded.post(f"/api/v1/redemptions/{tx['id']}/cancel")
    assert error(response) == (409, "INVALID_TRANSITION")
    assert response.json()["error"]["details"] == {"from": "completed", "to": "cancelled"}
    assert funded.available() == Decimal("88900")  # 98,900 − 10,000 burned, nothing back
    assert on_hold(funded) == 0


def test_a_cancelled_redemption_is_not_processed(funded):
    tx = redeem(funded, "10000").json()
    funded.post(f"/api/v1/redemptions/{tx['id']}/cancel")
    assert services.process_pending_redemptions() == []
    assert funded.get(f"/api/v1/redemptions/{tx['id']}").json()["status"] == "cancelled"
    assert funded.available() == START


def test_another_users_redemption_is_a_404_to_read_and_to_cancel(funded, bob):
    tx = redeem(funded, "10000").json()
    assert error(bob.get(f"/api/v1/redemptions/{tx['id']}")) == (404, "NOT_FOUND")
    assert error(bob.post(f"/api/v1/redemptions/{tx['id']}/cancel")) == (404, "NOT_FOUND")
    # Still alice's, still pending, still on hold.
    assert funded.get(f"/api/v1/redemptions/{tx['id']}").json()["status"] == "pending"
    assert on_hold(funded) == Decimal("10000")


def test_a_redemption_id_is_not_an_offramp(funded):
    tx = redeem(funded, "10000").json()
    assert error(funded.get(f"/api/v1/offramp/status/{tx['id']}")) == (404, "NOT_FOUND")


def test_a_redemption_larger_than_the_balance_is_insufficient_funds(funded):
    response = redeem(funded, "98900.0000001")
    assert error(response) == (422, "INSUFFICIENT_FUNDS")
    assert response.json()["error"]["details"]["available"] == "98900.0000000"
    assert funded.available() == START
    assert not Transaction.objects.filter(type="redemption").exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"amount": "999.99"}, "NO_FEE_SCHEDULE"),  # the schedule starts at ₦1,000
        ({"amount": "-5"}, "INVALID_AMOUNT"),
        ({"amount": "10000", "bank_code": "000"}, "INVALID_BANK"),
        ({"amount": "10000", "account_number": "123456789"}, "INVALID_ACCOUNT_NUMBER"),
        ({"amount": "10000", "account_name": ""}, "VALIDATION_ERROR"),
    ],
)
def test_bad_redemptions_are_400s_and_hold_nothing(funded, body, code):
    response = funded.post("/api/v1/redemptions", {**GOOD_ACCOUNT, **body})
    assert error(response) == (400, code)
    assert (funded.available(), on_hold(funded)) == (START, 0)


def test_a_replayed_redemption_holds_once(funded):
    first = redeem(funded, "10000", key="redeem-1")
    replay = redeem(funded, "10000", key="redeem-1")
    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert (funded.available(), on_hold(funded)) == (Decimal("88900"), Decimal("10000"))
    conflicting = redeem(funded, "20000", key="redeem-1")
    assert error(conflicting) == (409, "IDEMPOTENCY_KEY_REUSED")
    assert (funded.available(), on_hold(funded)) == (Decimal("88900"), Decimal("10000"))


# --- KYC limits ----------------------------------------------------------------------


def kyc_refusal(response) -> dict:
    """The details of a KYC refusal, naira amounts as Decimals."""
    assert error(response) == (403, "KYC_LIMIT_EXCEEDED"), response.content
    details = response.json()["error"]["details"]
    return {
        key: Decimal(value) if key.endswith("_ngn") else value for key, value in details.items()
    }


def test_unverified_limits_are_50000_a_transaction_and_a_day_200000_a_month(db):
    tier = KycTier.objects.get(code="unverified")
    assert (
        tier.per_transaction_limit_ngn,
        tier.daily_limit_ngn,
        tier.monthly_limit_ngn,
    ) == (Decimal("50000"), Decimal("50000"), Decimal("200000"))


def test_an_unverified_user_may_move_50000_at_once_but_not_a_kobo_more(unverified):
    over = onramp(unverified, "50000.01")
    assert kyc_refusal(over) == {
        "limit": "per_transaction",
        "tier": "unverified",
        "limit_ngn": Decimal("50000"),
        "amount_ngn": Decimal("50000.01"),
        "available_ngn": Decimal("50000"),
    }
    assert not Transaction.objects.filter(user=unverified.user).exists()
    exact = onramp(unverified, "50000.00")
    assert exact.status_code == 201, exact.content
    assert exact.json()["status"] == "awaiting_payment"


def test_the_daily_limit_adds_up_the_days_movements(unverified):
    assert onramp(unverified, "30000").status_code == 201
    second = onramp(unverified, "20000")  # 30,000 + 20,000 = 50,000: exactly the daily limit
    assert second.status_code == 201
    refused = kyc_refusal(onramp(unverified, "1000"))
    assert (refused["limit"], refused["amount_ngn"], refused["available_ngn"]) == (
        "daily",
        Decimal("1000"),
        0,
    )
    # A failed payment no longer counts: 30,000 counted, 20,000 free again today.
    failed = deliver_webhook(payment_event(second.json(), kind="payment.failed"))
    assert failed.json() == {"result": "failed"}
    assert onramp(unverified, "20000").status_code == 201
    assert kyc_refusal(onramp(unverified, "1000"))["limit"] == "daily"


def test_the_daily_limit_counts_every_kind_of_movement_in_naira(unverified, bob):
    # On-ramp ₦40,000 (0.8 % = 320 + 0.3 % = 120 → 39,560 cNGN), counted at ₦40,000.
    top_up(unverified, "40000")
    assert unverified.available() == Decimal("39560")
    # A ₦10,000 redemption brings the day to 40,000 + 10,000 = 50,000: allowed.
    redemption = redeem(unverified, "10000")
    assert redemption.status_code == 201, redemption.content
    # Anything more today breaks the daily limit, whatever the movement.
    assert kyc_refusal(redeem(unverified, "1000"))["limit"] == "daily"
    assert kyc_refusal(offramp(unverified, "1000"))["limit"] == "daily"
    transfer = unverified.post(
        "/api/v1/transfers",
        {"recipient_email": bob.user.email, "amount": "1", "currency": "cNGN"},
    )
    assert kyc_refusal(transfer)["limit"] == "daily"
    # 39,560 − 10,000 on hold; nothing else moved.
    assert (unverified.available(), on_hold(unverified)) == (Decimal("29560"), Decimal("10000"))
    # Cancelling the redemption frees its ₦10,000 again.
    unverified.post(f"/api/v1/redemptions/{redemption.json()['id']}/cancel")
    assert redeem(unverified, "10000").status_code == 201


def test_the_monthly_limit_adds_up_earlier_days_of_the_month(unverified):
    today = timezone.now().astimezone(LAGOS).replace(hour=0, minute=0, second=0, microsecond=0)
    if today.day == 1:
        pytest.skip("no earlier day in this month (limits count days in Africa/Lagos)")
    last_night = today - timedelta(seconds=1)  # yesterday 23:59:59 in Lagos, this month
    # 4 × ₦50,000 on earlier days = 200,000: exactly the monthly limit, each within its day.
    for _ in range(4):
        started = onramp(unverified, "50000")
        assert started.status_code == 201, started.content
        Transaction.objects.filter(pk=started.json()["id"]).update(created_at=last_night)
    refused = kyc_refusal(onramp(unverified, "1000"))
    assert (refused["limit"], refused["limit_ngn"], refused["available_ngn"]) == (
        "monthly",
        Decimal("200000"),
        0,
    )
