"""GET /api/v1/transactions: a user's own money movements, newest first, paged by cursor."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from payments.models import Transaction
from tests.accounts.factories import make_user
from tests.payments.conftest import Api, top_up, verified

HISTORY = "/api/v1/transactions"
GOOD_ACCOUNT = {"bank_code": "044", "account_number": "1234567890", "account_name": "Ada Obi"}
CLOSED_ACCOUNT = {**GOOD_ACCOUNT, "account_number": "1234560000"}


def transfer(sender: Api, recipient: Api, amount: str) -> dict:
    response = sender.post(
        "/api/v1/transfers",
        {"recipient_email": recipient.user.email, "amount": amount, "currency": "cNGN"},
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def carol(demo):
    return Api(verified(make_user()))


@pytest.fixture
def story(alice, bob, carol):
    """Five transactions alice can see, oldest first, among others she cannot.

    alice: on-ramp ₦100,000 → 98,900 cNGN (fees 800 + 300)
           transfer 5,000 cNGN to bob (fee 0.1 % = 5, raised to the ₦10 minimum) → 93,890
           receives 2,000 cNGN from bob → 95,890
           redemption 1,000 cNGN, pending (on hold) → 94,890 available
           off-ramp 3,000 cNGN to a closed account: failed, refunded → 94,890
    """
    top_up(bob, "100000")  # bob's own: not alice's business
    top_up(carol, "100000")
    transfer(carol, bob, "700")  # between two others
    ids = {"onramp": top_up(alice, "100000")["id"]}
    ids["sent"] = transfer(alice, bob, "5000")["id"]
    ids["received"] = transfer(bob, alice, "2000")["id"]
    redemption = alice.post("/api/v1/redemptions", {"amount": "1000", **GOOD_ACCOUNT})
    assert redemption.status_code == 201, redemption.content
    ids["redemption"] = redemption.json()["id"]
    quote = alice.post(
        "/api/v1/offramp/quote",
        {"amount": "3000", "provider": "flutterwave", "method": "bank_transfer"},
    ).json()
    offramp = alice.post("/api/v1/offramp/initiate", {"quote_id": quote["id"], **CLOSED_ACCOUNT})
    assert offramp.json()["status"] == "failed", offramp.content
    ids["offramp"] = offramp.json()["id"]
    assert alice.available() == Decimal("94890")
    return ids


NEWEST_FIRST = ["offramp", "redemption", "received", "sent", "onramp"]


def listed(api, **params) -> list[str]:
    response = api.get(HISTORY, params)
    assert response.status_code == 200, response.content
    return [tx["id"] for tx in response.json()["results"]]


def names(story, ids) -> list[str]:
    by_id = {tx_id: name for name, tx_id in story.items()}
    return [by_id.get(tx_id, f"foreign {tx_id}") for tx_id in ids]


def error(response):
    return response.status_code, response.json()["error"]["code"]


# --- The list ----------------------------------------------------------------------------


def test_history_lists_only_my_transactions_newest_first(alice, bob, story):
    response = alice.get(HISTORY)
    assert response.status_code == 200
    body = response.json()
    assert names(story, [tx["id"] for tx in body["results"]]) == NEWEST_FIRST
    assert (body["next"], body["previous"]) == (None, None)
    by_name = dict(zip(NEWEST_FIRST, body["results"], strict=True))
    assert [(tx["type"], tx["status"]) for tx in body["results"]] == [
        ("offramp", "failed"),
        ("redemption", "pending"),
        ("transfer", "completed"),
        ("transfer", "completed"),
        ("onramp", "completed"),
    ]
    stamps = [tx["created_at"] for tx in body["results"]]
    assert stamps == sorted(stamps, reverse=True)
    # Transfers show which way they went for the viewer.
    assert (by_name["sent"]["direction"], by_name["received"]["direction"]) == ("out", "in")
    assert by_name["sent"]["counterparty"] == by_name["received"]["counterparty"] == bob.user.email
    assert by_name["onramp"]["counterparty"] is None
    assert by_name["redemption"]["details"]["bank"]["account_number"] == "******7890"


def test_the_other_side_of_a_transfer_sees_it_too(bob, carol, story):
    # bob: 98,900 + 700 from carol + 5,000 from alice − (2,000 + ₦10 minimum fee) = 102,590;
    # carol: 98,900 − (700 + 10) = 98,190.
    assert (bob.available(), carol.available()) == (Decimal("102590"), Decimal("98190"))
    bobs = listed(bob)
    assert story["sent"] in bobs and story["received"] in bobs
    for mine in ("onramp", "redemption", "offramp"):
        assert story[mine] not in bobs


def test_a_user_with_no_transactions_sees_none(demo, story):
    stranger = Api(verified(make_user()))
    response = stranger.get(HISTORY)
    assert response.json() == {"next": None, "previous": None, "results": []}


def test_history_needs_a_bearer_token(client, story):
    assert client.get(HISTORY).status_code == 401


# --- Cursor pagination ---------------------------------------------------------------


def walk(api, **params) -> list[list[str]]:
    """Every page from the first, following `next` until there is none."""
    pages = []
    response = api.get(HISTORY, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([tx["id"] for tx in body["results"]])
        if body["next"] is None:
            return pages
        assert len(pages) < 50, "pagination does not end"
        response = api.get(body["next"])


def test_pages_of_two_cover_everything_once_in_order(alice, story):
    pages = walk(alice, limit=2)
    assert [names(story, page) for page in pages] == [
        ["offramp", "redemption"],
        ["received", "sent"],
        ["onramp"],
    ]
    # Stable: walking again gives the same pages.
    assert walk(alice, limit=2) == pages


def test_pages_stay_complete_when_transactions_share_a_timestamp(alice, story):
    # Four of alice's five transactions at the very same instant: the cursor must still
    # hand out each exactly once, in a stable order.
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    Transaction.objects.filter(pk__in=[story[n] for n in NEWEST_FIRST[1:]]).update(
        created_at=moment
    )
    everything = listed(alice, limit=100)
    assert len(everything) == 5 and everything[0] == story["offramp"]
    for limit in (1, 2, 3):
        pages = walk(alice, limit=limit)
        flat = [tx_id for page in pages for tx_id in page]
        assert flat == everything, f"limit={limit}"
        assert all(len(page) == limit for page in pages[:-1])


def test_a_new_transaction_does_not_shift_the_pages_already_handed_out(alice, bob, story):
    first = alice.get(HISTORY, {"limit": 2}).json()
    transfer(alice, bob, "100")  # newer than everything: belongs before page one
    rest = walk_from(alice, first["next"])
    seen = [tx["id"] for tx in first["results"]] + rest
    assert names(story, seen) == NEWEST_FIRST


def walk_from(api, url) -> list[str]:
    found = []
    while url:
        body = api.get(url).json()
        found += [tx["id"] for tx in body["results"]]
        url = body["next"]
    return found


# --- Filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "transfer"}, ["received", "sent"]),
        ({"type": "onramp"}, ["onramp"]),
        ({"type": "redemption"}, ["redemption"]),
        ({"type": "mint"}, []),
        ({"status": "completed"}, ["received", "sent", "onramp"]),
        ({"status": "pending"}, ["redemption"]),
        ({"status": "failed"}, ["offramp"]),
        ({"currency": "NGN"}, ["onramp"]),
        ({"currency": "cNGN"}, ["offramp", "redemption", "received", "sent"]),
        ({"currency": "cngn"}, ["offramp", "redemption", "received", "sent"]),
        ({"currency": "USD"}, []),
        ({"type": "transfer", "status": "completed", "currency": "cNGN"}, ["received", "sent"]),
        ({"type": "offramp", "status": "completed"}, []),
        ({"status": "completed", "currency": "NGN"}, ["onramp"]),
    ],
)
def test_filters_by_type_status_and_currency(alice, story, params, expected):
    assert names(story, listed(alice, **params)) == expected


@pytest.fixture
def dated(story):
    """alice's transactions moved to known instants (UTC); the off-ramp stays at now."""
    moments = {
        "onramp": datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
        "sent": datetime(2026, 1, 10, 9, 0, tzinfo=UTC),
        "received": datetime(2026, 1, 10, 18, 30, tzinfo=UTC),
        "redemption": datetime(2026, 1, 11, 0, 0, tzinfo=UTC),
    }
    for name, moment in moments.items():
        Transaction.objects.filter(pk=story[name]).update(created_at=moment)
    return story


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # A date as `from` starts at its first instant.
        ({"from": "2026-01-10"}, ["offramp", "redemption", "received", "sent"]),
        ({"from": "2026-01-11"}, ["offramp", "redemption"]),
        # Times are inclusive at both ends.
        ({"from": "2026-01-10T09:00:00Z"}, ["offramp", "redemption", "received", "sent"]),
        ({"from": "2026-01-10T09:00:01Z"}, ["offramp", "redemption", "received"]),
        ({"to": "2026-01-10T18:30:00Z"}, ["received", "sent", "onramp"]),
        ({"to": "2026-01-10T18:29:59Z"}, ["sent", "onramp"]),
        # With an offset: 10:00 in Lagos is 09:00 UTC.
        ({"from": "2026-01-10T10:00:00+01:00"}, ["offramp", "redemption", "received", "sent"]),
        # A time without an offset is read as UTC (the node's time zone).
        ({"to": "2026-01-10T09:00:00"}, ["sent", "onramp"]),
        ({"from": "2026-01-10T12:00:00Z", "to": "2026-01-10T23:59:59Z"}, ["received"]),
        ({"from": "2026-01-11", "to": "2026-01-05T00:00:00Z"}, []),
        # Dates and times combine with the other filters.
        ({"type": "transfer", "from": "2026-01-10T12:00:00Z"}, ["received"]),
        ({"currency": "cNGN", "to": "2026-01-10T23:59:59Z"}, ["received", "sent"]),
    ],
)
def test_filters_by_date_and_time(alice, dated, params, expected):
    assert names(dated, listed(alice, **params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # "to" a date takes in that whole day.
        ({"to": "2026-01-10"}, ["received", "sent", "onramp"]),
        ({"to": "2026-01-05"}, ["onramp"]),
        ({"from": "2026-01-10", "to": "2026-01-10"}, ["received", "sent"]),
        ({"type": "transfer", "to": "2026-01-10"}, ["received", "sent"]),
    ],
)
def test_to_a_date_includes_the_whole_of_that_day(alice, dated, params, expected):
    assert names(dated, listed(alice, **params)) == expected


@pytest.mark.parametrize(
    ("params", "status", "code", "parameter"),
    [
        ({"type": "bogus"}, 400, "INVALID_FILTER", "type"),
        ({"type": "TRANSFER"}, 400, "INVALID_FILTER", "type"),
        ({"status": "bogus"}, 400, "INVALID_FILTER", "status"),
        ({"from": "yesterday"}, 400, "INVALID_FILTER", "from"),
        ({"to": "10/01/2026"}, 400, "INVALID_FILTER", "to"),
        ({"currency": "EUR"}, 400, "INVALID_CURRENCY", None),
    ],
)
def test_invalid_filters_are_400s(alice, story, params, status, code, parameter):
    response = alice.get(HISTORY, params)
    assert error(response) == (status, code)
    if parameter:
        assert response.json()["error"]["details"]["parameter"] == parameter


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-02-30"},  # a well-formed date that does not exist
        {"to": "2026-13-01"},
        {"from": "2026-01-10T25:00:00Z"},
    ],
)
def test_impossible_dates_are_400s_not_500s(alice, story, params):
    response = alice.get(HISTORY, params)
    assert error(response) == (400, "INVALID_FILTER")
    assert response.json()["error"]["details"]["parameter"] == next(iter(params))


# --- One transaction ---------------------------------------------------------------------


def test_a_user_reads_their_own_transaction(alice, story):
    response = alice.get(f"{HISTORY}/{story['onramp']}")
    assert response.status_code == 200
    tx = response.json()
    assert (tx["id"], tx["type"], tx["status"], tx["currency"]) == (
        story["onramp"],
        "onramp",
        "completed",
        "NGN",
    )
    assert Decimal(tx["amount"]) == Decimal("100000")
    assert [event["status"] for event in tx["timeline"]] == ["awaiting_payment", "completed"]


def test_both_sides_read_a_transfer_each_from_their_side(alice, bob, story):
    sent = alice.get(f"{HISTORY}/{story['sent']}").json()
    # 5,000 × 0.1 % = 5 cNGN, raised to the ₦10 minimum.
    assert (sent["direction"], sent["counterparty"]) == ("out", bob.user.email)
    assert Decimal(sent["amount"]) == Decimal("5000")
    assert Decimal(sent["details"]["fee"]) == Decimal("10")

    received = bob.get(f"{HISTORY}/{story['sent']}")
    assert received.status_code == 200
    assert (received.json()["direction"], received.json()["counterparty"]) == (
        "in",
        alice.user.email,
    )
    assert "fee" not in received.json()["details"]  # the sender's fee is theirs
    assert bob.get(f"/api/v1/transfers/{story['sent']}").status_code == 200


def test_another_users_transaction_is_a_404_not_a_403(alice, carol, story):
    for name in NEWEST_FIRST:
        response = carol.get(f"{HISTORY}/{story[name]}")
        assert error(response) == (404, "NOT_FOUND"), name
    assert error(carol.get(f"/api/v1/transfers/{story['sent']}")) == (404, "NOT_FOUND")
    # Not even alice's other transactions' types leak through the typed endpoints.
    assert error(alice.get(f"/api/v1/transfers/{story['onramp']}")) == (404, "NOT_FOUND")


def test_unknown_or_malformed_ids_are_json_404s(alice, story):
    unknown = alice.get(f"{HISTORY}/00000000-0000-4000-8000-000000000000")
    assert error(unknown) == (404, "NOT_FOUND")
    malformed = alice.get(f"{HISTORY}/not-a-uuid")
    assert malformed["Content-Type"].startswith("application/json")
    assert error(malformed) == (404, "NOT_FOUND")
