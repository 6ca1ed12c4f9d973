"""Transfers between users, idempotency, and the ledger's own invariants."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from payments import ledger
from payments.models import AccountKind, LedgerAccount, Posting
from tests.accounts.factories import make_user
from tests.payments.conftest import Api, top_up, verified


def send(api, to, amount, **extra):
    body = {"recipient_email": to.user.email, "amount": amount, "currency": "cNGN", **extra}
    return api.post("/api/v1/transfers", body, key=extra.pop("key", "new"))


def test_a_transfer_moves_the_amount_and_charges_the_fee(alice, bob):
    top_up(alice, "100000")  # bank transfer: 0.8 % + 0.3 % = ₦1,100 → 98,900 cNGN
    assert alice.available() == Decimal("98900")
    response = send(alice, bob, "5000")
    assert response.status_code == 201, response.content
    tx = response.json()
    # Fee 0.1 % of 5,000 = 5, raised to the ₦10 minimum.
    assert (tx["status"], tx["amount"], tx["fee"], tx["direction"]) == (
        "completed",
        "5000.0000000",
        "10.0000000",
        "out",
    )
    assert tx["counterparty"] == bob.user.email
    assert alice.available() == Decimal("93890")
    assert bob.available() == Decimal("5000")
    received = bob.get(f"/api/v1/transfers/{tx['id']}").json()
    assert (received["direction"], received["counterparty"]) == ("in", alice.user.email)
    assert "fee" not in received["details"]


def test_a_transfer_by_account_id(alice, bob):
    top_up(alice)
    body = {"recipient_account_id": bob.user.pk, "amount": "100", "currency": "cnGN"}
    assert alice.post("/api/v1/transfers", body).status_code == 201
    assert bob.available() == Decimal("100")


def test_insufficient_funds_moves_nothing(alice, bob):
    top_up(alice, "10000")  # 10,000 − 0.8 % − 0.3 % = 9,890
    response = send(alice, bob, "9885")  # + ₦10 fee = 9,895 > 9,890
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "INSUFFICIENT_FUNDS"
    assert error["details"] == {
        "currency": "cNGN",
        "available": "9890.0000000",
        "required": "9895.0000000",
    }
    assert alice.available() == Decimal("9890")
    assert bob.available() == 0
    assert alice.get("/api/v1/transactions", {"type": "transfer"}).json()["results"] == []


def test_the_whole_balance_can_be_sent(alice, bob):
    top_up(alice, "10000")
    assert send(alice, bob, "9880").status_code == 201  # 9,880 + 10 = 9,890
    assert alice.available() == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"recipient_email": "nobody@example.com", "amount": "1"}, 404, "RECIPIENT_NOT_FOUND"),
        ({"amount": "1"}, 400, "VALIDATION_ERROR"),
        (
            {"recipient_email": "a@b.co", "recipient_account_id": 1, "amount": "1"},
            400,
            "VALIDATION_ERROR",
        ),
        ({"recipient_account_id": 999999, "amount": "1"}, 404, "RECIPIENT_NOT_FOUND"),
        ({"recipient_account_id": 1, "amount": "0.00000001"}, 400, "INVALID_AMOUNT"),
        ({"recipient_account_id": 1, "amount": 12.5}, 400, "INVALID_AMOUNT"),
        ({"recipient_account_id": 1, "amount": "1", "currency": "EUR"}, 400, "INVALID_CURRENCY"),
    ],
)
def test_bad_transfers_are_refused(alice, body, status, code):
    response = alice.post("/api/v1/transfers", body)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)


def test_no_transfer_to_yourself(alice):
    top_up(alice)
    response = send(alice, alice, "10")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "SELF_TRANSFER")


def test_a_third_user_cannot_see_a_transfer(alice, bob, demo):
    top_up(alice)
    tx = send(alice, bob, "10").json()
    eve = Api(verified(make_user()))
    for path in (f"/api/v1/transfers/{tx['id']}", f"/api/v1/transactions/{tx['id']}"):
        response = eve.get(path)
        assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


def test_the_same_key_and_body_replays_without_moving_money_again(alice, bob):
    top_up(alice)
    first = send(alice, bob, "100", key="transfer-1")
    again = send(alice, bob, "100", key="transfer-1")
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert bob.available() == Decimal("100")


def test_the_same_key_with_another_body_is_a_conflict(alice, bob):
    top_up(alice)
    send(alice, bob, "100", key="transfer-2")
    response = send(alice, bob, "200", key="transfer-2")
    assert (response.status_code, response.json()["error"]["code"]) == (
        409,
        "IDEMPOTENCY_KEY_REUSED",
    )
    assert bob.available() == Decimal("100")


def test_a_refused_request_does_not_burn_its_key(alice, bob):
    refused = send(alice, bob, "100", key="transfer-3")
    assert refused.status_code == 422  # nothing to send yet
    top_up(alice)
    assert send(alice, bob, "100", key="transfer-3").status_code == 201


def test_keys_are_per_user(alice, bob):
    top_up(alice)
    top_up(bob)
    assert send(alice, bob, "100", key="shared").status_code == 201
    assert send(bob, alice, "100", key="shared").status_code == 201


@pytest.mark.parametrize(
    ("key", "code"), [(None, "IDEMPOTENCY_KEY_REQUIRED"), ("x" * 256, "INVALID_IDEMPOTENCY_KEY")]
)
def test_money_moving_posts_need_a_sane_idempotency_key(alice, bob, key, code):
    body = {"recipient_email": bob.user.email, "amount": "1"}
    response = alice.post("/api/v1/transfers", body, key=key)
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)


# --- The ledger's invariants, enforced by the database itself -------------------


def test_the_database_refuses_an_unbalanced_movement(alice):
    wallet = ledger.account(kind=AccountKind.USER_WALLET, currency="cNGN", user=alice.user)
    fees = ledger.account(kind=AccountKind.PLATFORM_FEES, currency="cNGN")
    top_up(alice)
    movement = None
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        with transaction.atomic():
            movement = ledger.post(
                kind="test", memo="balanced", lines=[(wallet, Decimal(-1)), (fees, Decimal(1))]
            )
        Posting.objects.create(movement=movement, account=fees, amount=Decimal(5))
        with connection.cursor() as cursor:  # check the deferred rule now, as COMMIT would
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("98900")


def test_the_service_refuses_an_unbalanced_movement_before_the_database(alice):
    wallet = ledger.account(kind=AccountKind.USER_WALLET, currency="cNGN", user=alice.user)
    with pytest.raises(ValueError, match="does not balance"), transaction.atomic():
        ledger.post(kind="test", memo="unbalanced", lines=[(wallet, Decimal(1))])


def test_postings_are_append_only(alice):
    top_up(alice)
    posting = Posting.objects.first()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).update(amount=Decimal(1))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).delete()


def test_a_user_balance_never_goes_negative_even_behind_the_service(alice):
    wallet = ledger.account(kind=AccountKind.USER_WALLET, currency="cNGN", user=alice.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=wallet.pk).update(balance=Decimal(-1))
