"""Minting cNGN: requests by mint operators, approvals by role according to the amount.

below ₦1,000,000    one mint operator (not the requester)
below ₦10,000,000   plus a compliance officer
from ₦10,000,000    plus a finance director
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from payments.models import AccountKind, LedgerAccount, MintDecision, MintRequest, Transaction
from tests.accounts.factories import make_user
from tests.payments.conftest import Api, verified

OPERATOR, COMPLIANCE, FINANCE = "mint operator", "compliance officer", "finance director"
REQUESTS = "/api/v1/mint/requests"


def staff(*roles: str) -> Api:
    user = make_user()
    for role in roles:
        Group.objects.get(name=role).user_set.add(user)
    return Api(user)


@pytest.fixture
def requester(demo):
    return staff(OPERATOR)


@pytest.fixture
def operator(demo):
    return staff(OPERATOR)


@pytest.fixture
def compliance(demo):
    return staff(COMPLIANCE)


@pytest.fixture
def finance(demo):
    return staff(FINANCE)


@pytest.fixture
def customer(demo):
    """The destination of the mints."""
    return Api(verified(make_user()))


# --- helpers -------------------------------------------------------------------------


def create(api, destination: Api, amount: str, reference="TRSY-2026-0001", *, key="new"):
    return api.post(
        REQUESTS,
        {"destination_email": destination.user.email, "amount": amount, "reference": reference},
        key=key,
    )


def created(api, destination: Api, amount: str, **kwargs) -> dict:
    response = create(api, destination, amount, **kwargs)
    assert response.status_code == 201, response.content
    return response.json()


def approve(api, mint_id, note=None, *, key="new"):
    body = {"note": note} if note is not None else {}
    return api.post(f"{REQUESTS}/{mint_id}/approve", body, key=key)


def reject(api, mint_id, note=None, *, key="new"):
    body = {"note": note} if note is not None else {}
    return api.post(f"{REQUESTS}/{mint_id}/reject", body, key=key)


def detail(api, mint_id) -> dict:
    response = api.get(f"{REQUESTS}/{mint_id}")
    assert response.status_code == 200, response.content
    return response.json()


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


# --- Who may see and request -----------------------------------------------------------


def test_users_without_a_mint_role_are_refused_everywhere(requester, customer):
    mint = created(requester, customer, "500000")
    outsider = Api(verified(make_user()))
    assert error(outsider.get(REQUESTS)) == (403, "ROLE_REQUIRED")
    assert error(outsider.get(f"{REQUESTS}/{mint['id']}")) == (403, "ROLE_REQUIRED")
    assert error(create(outsider, customer, "500000")) == (403, "ROLE_REQUIRED")
    assert error(approve(outsider, mint["id"])) == (403, "ROLE_REQUIRED")
    assert error(reject(outsider, mint["id"])) == (403, "ROLE_REQUIRED")
    assert MintRequest.objects.count() == 1
    assert detail(requester, mint["id"])["status"] == "pending"


def test_only_a_mint_operator_may_request_a_mint(compliance, finance, customer):
    for api in (compliance, finance):
        assert error(create(api, customer, "500000")) == (403, "ROLE_REQUIRED")
        # Any mint role may read the list.
        assert api.get(REQUESTS).json() == []
    assert not MintRequest.objects.exists()


def test_a_request_starts_pending_with_nothing_issued(requester, customer):
    response = create(requester, customer, "500000", reference="TRSY-42")
    assert response.status_code == 201, response.content
    mint = response.json()
    assert mint["status"] == "pending"
    assert (mint["amount"], mint["currency"], mint["reference"]) == (
        "500000.0000000",
        "cNGN",
        "TRSY-42",
    )
    assert (mint["requested_by"], mint["destination"]) == (
        requester.user.email,
        customer.user.email,
    )
    assert mint["required_roles"] == [OPERATOR]
    assert (mint["decisions"], mint["transaction_id"], mint["decided_at"]) == ([], None, None)
    lifetime = parse_datetime(mint["expires_at"]) - parse_datetime(mint["created_at"])
    assert abs(lifetime - timedelta(hours=72)) < timedelta(seconds=1)
    assert customer.available() == 0


def test_a_request_may_name_the_destination_by_account_id(requester, customer):
    response = requester.post(
        REQUESTS,
        {"destination_account_id": customer.user.pk, "amount": "1000", "reference": "TRSY-1"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["destination"] == customer.user.email


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"destination_email": "nobody@example.com", "amount": "1000"}, 404, "RECIPIENT_NOT_FOUND"),
        ({"amount": "1000"}, 400, "VALIDATION_ERROR"),  # no destination
        ({"destination_email": "{email}", "amount": "0"}, 400, "INVALID_AMOUNT"),
        ({"destination_email": "{email}", "amount": "1.00000001"}, 400, "INVALID_AMOUNT"),
    ],
)
def test_bad_mint_requests_are_refused(requester, customer, body, status, code):
    body = {k: v.format(email=customer.user.email) for k, v in body.items()}
    response = requester.post(REQUESTS, {**body, "reference": "TRSY-1"})
    assert error(response) == (status, code)
    assert not MintRequest.objects.exists()


def test_a_mint_request_needs_an_idempotency_key(requester, customer):
    assert error(create(requester, customer, "500000", key=None)) == (
        400,
        "IDEMPOTENCY_KEY_REQUIRED",
    )
    assert not MintRequest.objects.exists()


def test_a_replayed_mint_request_creates_one_request(requester, customer):
    first = create(requester, customer, "500000", key="mint-1")
    replay = create(requester, customer, "500000", key="mint-1")
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert MintRequest.objects.count() == 1
    assert error(create(requester, customer, "600000", key="mint-1")) == (
        409,
        "IDEMPOTENCY_KEY_REUSED",
    )


# --- Approval tiers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "roles"),
    [
        ("1", [OPERATOR]),
        ("999999.9999999", [OPERATOR]),
        ("1000000", [OPERATOR, COMPLIANCE]),
        ("9999999.9999999", [OPERATOR, COMPLIANCE]),
        ("10000000", [OPERATOR, COMPLIANCE, FINANCE]),
        ("250000000", [OPERATOR, COMPLIANCE, FINANCE]),
    ],
)
def test_the_amount_decides_which_roles_must_approve(requester, customer, amount, roles):
    assert created(requester, customer, amount)["required_roles"] == roles


@pytest.mark.parametrize("amount", ["500000", "999999.9999999"])
def test_below_one_million_one_other_operator_issues_the_cngn(
    requester, operator, customer, amount
):
    mint = created(requester, customer, amount)
    before = platform_balances()
    response = approve(operator, mint["id"], "deposit seen")
    assert response.status_code == 200, response.content
    issued = response.json()
    assert issued["status"] == "issued"
    assert issued["decided_at"] is not None
    assert issued["transaction_id"] is not None
    # The destination receives exactly the amount, to the last 10⁻⁷ cNGN.
    assert customer.available() == Decimal(amount)
    # Backed by the treasury deposit: treasury −amount → reserve +amount (NGN);
    # issuance −amount → the customer's wallet +amount (cNGN).
    assert change(before, platform_balances()) == {
        (AccountKind.TREASURY, "NGN"): -Decimal(amount),
        (AccountKind.RESERVE, "NGN"): Decimal(amount),
        (AccountKind.ISSUANCE, "cNGN"): -Decimal(amount),
    }
    # The customer sees the mint in their history.
    tx = customer.get(f"/api/v1/transactions/{issued['transaction_id']}")
    assert tx.status_code == 200
    assert (tx.json()["type"], tx.json()["status"], tx.json()["direction"]) == (
        "mint",
        "completed",
        "in",
    )
    assert Decimal(tx.json()["amount"]) == Decimal(amount)


def test_one_million_exactly_also_needs_a_compliance_officer(
    requester, operator, compliance, customer
):
    mint = created(requester, customer, "1000000")
    first = approve(operator, mint["id"])
    assert first.status_code == 200
    assert (first.json()["status"], first.json()["transaction_id"]) == ("pending", None)
    assert customer.available() == 0
    second = approve(compliance, mint["id"])
    assert second.json()["status"] == "issued"
    assert customer.available() == Decimal("1000000")


def test_just_below_ten_million_needs_no_finance_director(
    requester, operator, compliance, finance, customer
):
    mint = created(requester, customer, "9999999.9999999")
    refused = approve(finance, mint["id"])
    assert error(refused) == (403, "ROLE_REQUIRED")
    assert refused.json()["error"]["details"] == {"needed": [OPERATOR, COMPLIANCE]}
    approve(compliance, mint["id"])
    assert approve(operator, mint["id"]).json()["status"] == "issued"
    assert customer.available() == Decimal("9999999.9999999")


@pytest.mark.parametrize(
    "order",
    [
        ("operator", "compliance", "finance"),
        ("finance", "compliance", "operator"),
        ("compliance", "finance", "operator"),
    ],
)
def test_ten_million_exactly_needs_all_three_roles_in_any_order(
    requester, operator, compliance, finance, customer, order
):
    approvers = {"operator": operator, "compliance": compliance, "finance": finance}
    mint = created(requester, customer, "10000000")
    for name in order[:-1]:
        response = approve(approvers[name], mint["id"])
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "pending"
        assert customer.available() == 0
    last = approve(approvers[order[-1]], mint["id"])
    assert last.json()["status"] == "issued"
    assert len(last.json()["decisions"]) == 3
    assert customer.available() == Decimal("10000000")
    assert Transaction.objects.filter(type="mint").count() == 1


# --- Who may decide --------------------------------------------------------------------


def test_the_requester_cannot_approve_or_reject_their_own_request(customer, operator):
    # Even holding every role.
    requester = staff(OPERATOR, COMPLIANCE, FINANCE)
    mint = created(requester, customer, "500000")
    assert error(approve(requester, mint["id"])) == (403, "SELF_APPROVAL")
    assert error(reject(requester, mint["id"])) == (403, "SELF_APPROVAL")
    assert not MintDecision.objects.exists()
    assert customer.available() == 0
    assert approve(operator, mint["id"]).json()["status"] == "issued"


def test_one_person_decides_once_even_with_two_roles(requester, compliance, customer):
    both = staff(OPERATOR, COMPLIANCE)
    mint = created(requester, customer, "1000000")
    first = approve(both, mint["id"])
    assert first.status_code == 200
    assert [d["role"] for d in first.json()["decisions"]] == [OPERATOR]
    assert first.json()["status"] == "pending"
    assert error(approve(both, mint["id"])) == (409, "ALREADY_DECIDED")
    assert error(reject(both, mint["id"])) == (409, "ALREADY_DECIDED")
    assert detail(requester, mint["id"])["status"] == "pending"
    assert customer.available() == 0
    # The compliance approval must come from someone else.
    assert approve(compliance, mint["id"]).json()["status"] == "issued"
    assert customer.available() == Decimal("1000000")


def test_a_role_already_satisfied_is_not_needed_again(requester, operator, customer):
    mint = created(requester, customer, "1000000")
    approve(operator, mint["id"])
    another_operator = staff(OPERATOR)
    refused = approve(another_operator, mint["id"])
    assert error(refused) == (403, "ROLE_REQUIRED")
    assert refused.json()["error"]["details"] == {"needed": [COMPLIANCE]}
    assert detail(requester, mint["id"])["status"] == "pending"


def test_a_finance_director_is_not_needed_for_a_small_mint(requester, finance, customer):
    mint = created(requester, customer, "500000")
    refused = approve(finance, mint["id"])
    assert error(refused) == (403, "ROLE_REQUIRED")
    assert refused.json()["error"]["details"] == {"needed": [OPERATOR]}
    assert error(reject(finance, mint["id"])) == (403, "ROLE_REQUIRED")
    assert detail(requester, mint["id"])["decisions"] == []
    assert customer.available() == 0


# --- Rejection, expiry and finished requests ------------------------------------------


def test_a_rejected_request_issues_nothing_and_cannot_be_approved(
    requester, operator, compliance, customer
):
    mint = created(requester, customer, "1000000")
    before = platform_balances()
    response = reject(compliance, mint["id"], "deposit not found")
    assert response.status_code == 200, response.content
    rejected = response.json()
    assert (rejected["status"], rejected["transaction_id"]) == ("rejected", None)
    assert rejected["decided_at"] is not None
    late = approve(operator, mint["id"])
    assert error(late) == (409, "INVALID_TRANSITION")
    assert late.json()["error"]["details"] == {"from": "rejected"}
    assert error(reject(operator, mint["id"])) == (409, "INVALID_TRANSITION")
    assert customer.available() == 0
    assert change(before, platform_balances()) == {}
    assert not Transaction.objects.filter(type="mint").exists()
    assert detail(requester, mint["id"])["status"] == "rejected"


def test_an_issued_request_cannot_be_decided_again(requester, operator, customer):
    mint = created(requester, customer, "500000")
    approve(operator, mint["id"])
    later = staff(OPERATOR)
    assert error(approve(later, mint["id"])) == (409, "INVALID_TRANSITION")
    assert error(reject(later, mint["id"])) == (409, "INVALID_TRANSITION")
    assert customer.available() == Decimal("500000")  # issued once
    assert detail(requester, mint["id"])["status"] == "issued"


def test_an_expired_request_cannot_be_approved_and_reads_as_expired(requester, operator, customer):
    mint = created(requester, customer, "500000")
    MintRequest.objects.filter(pk=mint["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert error(approve(operator, mint["id"])) == (409, "MINT_REQUEST_EXPIRED")
    shown = detail(requester, mint["id"])
    assert shown["status"] == "expired"
    assert shown["decided_at"] is not None
    assert shown["decisions"] == []
    assert error(reject(operator, mint["id"])) == (409, "MINT_REQUEST_EXPIRED")
    assert customer.available() == 0
    assert not Transaction.objects.filter(type="mint").exists()


def test_a_request_expiring_between_approvals_issues_nothing(
    requester, operator, compliance, customer
):
    mint = created(requester, customer, "1000000")
    approve(operator, mint["id"])
    MintRequest.objects.filter(pk=mint["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert error(approve(compliance, mint["id"])) == (409, "MINT_REQUEST_EXPIRED")
    assert detail(requester, mint["id"])["status"] == "expired"
    assert customer.available() == 0


def test_unknown_mint_requests_are_404s(requester, operator):
    missing = "00000000-0000-4000-8000-000000000000"
    assert error(requester.get(f"{REQUESTS}/{missing}")) == (404, "NOT_FOUND")
    assert error(approve(operator, missing)) == (404, "NOT_FOUND")
    assert requester.get(f"{REQUESTS}/not-a-uuid").status_code == 404


def test_a_replayed_approval_issues_once(requester, operator, customer):
    mint = created(requester, customer, "500000")
    first = approve(operator, mint["id"], key="approve-1")
    replay = approve(operator, mint["id"], key="approve-1")
    assert replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert customer.available() == Decimal("500000")
    assert Transaction.objects.filter(type="mint").count() == 1


# --- Audit trail and listing -----------------------------------------------------------


def test_the_audit_trail_shows_who_decided_in_which_role(
    requester, operator, compliance, finance, customer
):
    mint = created(requester, customer, "10000000")
    approve(finance, mint["id"], "board minute 12")
    approve(compliance, mint["id"], "AML checks passed")
    approve(operator, mint["id"], "deposit TRSY-2026-0001 confirmed")
    shown = detail(finance, mint["id"])
    assert shown["status"] == "issued"
    assert [(d["decided_by"], d["role"], d["approved"], d["note"]) for d in shown["decisions"]] == [
        (finance.user.email, FINANCE, True, "board minute 12"),
        (compliance.user.email, COMPLIANCE, True, "AML checks passed"),
        (operator.user.email, OPERATOR, True, "deposit TRSY-2026-0001 confirmed"),
    ]
    times = [parse_datetime(d["at"]) for d in shown["decisions"]]
    assert times == sorted(times)
    assert shown["requested_by"] == requester.user.email


def test_the_audit_trail_keeps_a_rejection(requester, operator, compliance, customer):
    mint = created(requester, customer, "2000000")
    approve(operator, mint["id"], "ok by me")
    reject(compliance, mint["id"], "source of funds unclear")
    shown = detail(operator, mint["id"])
    assert shown["status"] == "rejected"
    assert [(d["decided_by"], d["role"], d["approved"], d["note"]) for d in shown["decisions"]] == [
        (operator.user.email, OPERATOR, True, "ok by me"),
        (compliance.user.email, COMPLIANCE, False, "source of funds unclear"),
    ]


def test_the_list_is_newest_first_and_filters_by_status(requester, operator, compliance, customer):
    issued = created(requester, customer, "1000", reference="A")
    approve(operator, issued["id"])
    rejected = created(requester, customer, "2000", reference="B")
    reject(operator, rejected["id"])
    pending = created(requester, customer, "3000", reference="C")

    everything = requester.get(REQUESTS)
    assert everything.status_code == 200
    assert [m["id"] for m in everything.json()] == [pending["id"], rejected["id"], issued["id"]]
    for status, expected in [("issued", issued), ("rejected", rejected), ("pending", pending)]:
        response = compliance.get(REQUESTS, {"status": status})
        assert response.status_code == 200
        assert [(m["id"], m["status"]) for m in response.json()] == [(expected["id"], status)]
    assert compliance.get(REQUESTS, {"status": "expired"}).json() == []


def test_an_unknown_status_filter_is_a_400(requester):
    response = requester.get(REQUESTS, {"status": "approved"})
    assert error(response) == (400, "INVALID_FILTER")
    details = response.json()["error"]["details"]
    assert details["parameter"] == "status"
    assert set(details["allowed"]) == {"pending", "issued", "rejected", "expired"}
