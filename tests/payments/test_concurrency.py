"""Many threads moving money between the same accounts at once, on the real primary.

Afterwards every balance must be exactly what the successful transfers say,
no user balance may be negative, each currency must sum to zero over all
accounts, and every balance must equal the sum of its postings.
"""

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.db.models import Sum
from django.test import Client

from accounts import services as account_services
from payments import ledger
from payments.models import AccountKind, LedgerAccount, Posting
from tests.accounts.factories import make_user
from tests.payments.conftest import verified

USERS = 4
TRANSFERS = 240
THREADS = 12
START = Decimal("20000")


@pytest.fixture
def funded_users(committed_db):
    call_command("load_demo_data", verbosity=0)
    users = [verified(make_user(), "enhanced") for _ in range(USERS)]
    issuance = ledger.account(kind=AccountKind.ISSUANCE, currency="cNGN")
    with transaction.atomic(using="default"):
        for user in users:
            wallet = ledger.account(kind=AccountKind.USER_WALLET, currency="cNGN", user=user)
            ledger.post(
                kind="test_funding", memo="start", lines=[(issuance, -START), (wallet, START)]
            )
    tokens = {user.pk: account_services.create_token(user=user).token for user in users}
    return users, tokens


def test_parallel_transfers_keep_the_ledger_exact(funded_users):
    users, tokens = funded_users
    rng = random.Random(20261204)
    plan = []
    for i in range(TRANSFERS):
        sender, recipient = rng.sample(users, 2)
        # Mostly affordable, sometimes far too much: refusals must move nothing.
        amount = Decimal(rng.choice([rng.randint(1, 900), rng.randint(5000, 30000)]))
        plan.append((i, sender, recipient, amount))

    def attempt(step):
        i, sender, recipient, amount = step
        client = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[sender.pk]}")
        try:
            response = client.post(
                "/api/v1/transfers",
                {"recipient_account_id": recipient.pk, "amount": str(amount), "currency": "cNGN"},
                content_type="application/json",
                headers={"Idempotency-Key": f"concurrency-{i}"},
            )
            return step, response.status_code, response.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(attempt, plan))

    statuses = Counter(status for _, status, _ in outcomes)
    assert set(statuses) <= {201, 422}, statuses
    assert statuses[201] > TRANSFERS / 3 and statuses[422] > 0, statuses

    expected = {user.pk: START for user in users}
    for (_, sender, recipient, amount), status, body in outcomes:
        if status == 201:
            expected[sender.pk] -= amount + Decimal(body["fee"])
            expected[recipient.pk] += amount
        else:
            assert body["error"]["code"] == "INSUFFICIENT_FUNDS"
    for user in users:
        wallet = LedgerAccount.objects.get(kind=AccountKind.USER_WALLET, currency="cNGN", user=user)
        assert wallet.balance == expected[user.pk]
        assert wallet.balance >= 0

    for currency, total in LedgerAccount.objects.values_list("currency").annotate(Sum("balance")):
        assert total == 0, f"{currency} sums to {total}"
    for account in LedgerAccount.objects.all():
        posted = Posting.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
        assert account.balance == (posted or 0), account
