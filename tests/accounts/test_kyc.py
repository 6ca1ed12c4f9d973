"""GET /account/profile, GET and POST /account/kyc."""

import logging
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import KycProfile

pytestmark = pytest.mark.django_db

BVN = "22345678901"
UNVERIFIED_LIMITS = {
    "per_transaction_ngn": "50000.00",
    "daily_ngn": "50000.00",
    "monthly_ngn": "200000.00",
}


def years_ago(years: int) -> date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def submit(client, auth, **overrides):
    body = {
        "full_name": "Adaeze Okafor",
        "date_of_birth": "1990-05-17",
        "bvn": BVN,
        "address": "12 Broad Street, Lagos",
    } | overrides
    return client.post("/account/kyc", body, content_type="application/json", **auth)


def test_profile_of_a_new_user(client, user, auth):
    response = client.get("/account/profile", **auth)
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "date_joined": response.json()["date_joined"],
        "kyc_tier": "unverified",
        "kyc_status": "not_submitted",
    }
    assert response["Cache-Control"] == "no-store, private"


def test_kyc_of_a_new_user_has_the_unverified_limits_and_no_details(client, auth):
    assert client.get("/account/kyc", **auth).json() == {
        "tier": "unverified",
        "status": "not_submitted",
        "rejection_reason": "",
        "limits": UNVERIFIED_LIMITS,
        "details": {
            "full_name": "",
            "date_of_birth": None,
            "bvn_last4": "",
            "address": "",
            "submitted_at": None,
        },
    }


@pytest.mark.parametrize(
    ("address", "tier"), [("12 Broad Street, Lagos", "standard"), ("", "basic")]
)
def test_an_approved_submission_raises_the_tier(client, auth, address, tier):
    response = submit(client, auth, address=address)
    assert response.status_code == 200
    body = response.json()
    assert (body["tier"], body["status"]) == (tier, "approved")
    assert body["details"] == {
        "full_name": "Adaeze Okafor",
        "date_of_birth": "1990-05-17",
        "bvn_last4": "8901",
        "address": address,
        "submitted_at": body["details"]["submitted_at"],
    }
    assert client.get("/account/kyc", **auth).json() == body
    profile = client.get("/account/profile", **auth).json()
    assert (profile["kyc_tier"], profile["kyc_status"]) == (tier, "approved")


def test_address_may_be_left_out(client, auth):
    body = {"full_name": "Adaeze Okafor", "date_of_birth": "1990-05-17", "bvn": BVN}
    response = client.post("/account/kyc", body, content_type="application/json", **auth)
    assert response.json()["tier"] == "basic"


def test_a_rejected_submission_stays_unverified_and_may_be_retried(client, auth):
    body = submit(client, auth, bvn="02345678901").json()
    assert (body["tier"], body["status"]) == ("unverified", "rejected")
    assert body["rejection_reason"]
    assert body["limits"] == UNVERIFIED_LIMITS
    retried = submit(client, auth).json()
    assert (retried["tier"], retried["status"], retried["rejection_reason"]) == (
        "standard",
        "approved",
        "",
    )


def test_an_approved_user_cannot_resubmit(client, auth):
    submit(client, auth, address="")
    response = submit(client, auth)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "KYC_ALREADY_APPROVED"
    assert client.get("/account/kyc", **auth).json()["tier"] == "basic"


def test_eighteen_today_is_old_enough(client, auth):
    response = submit(client, auth, date_of_birth=years_ago(18).isoformat())
    assert response.json()["status"] == "approved"


@pytest.mark.parametrize("born", ["day before 18", "future"])
def test_under_18_is_refused(client, auth, born):
    birthday = {
        "day before 18": years_ago(18).toordinal() + 1,
        "future": timezone.localdate().toordinal() + 1,
    }[born]
    response = submit(client, auth, date_of_birth=date.fromordinal(birthday).isoformat())
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]) == {"date_of_birth"}
    assert not KycProfile.objects.exists()


@pytest.mark.parametrize("bvn", ["2234567890", "223456789012", "2234567890a", "", "2234 567890"])
def test_a_bvn_must_be_eleven_digits(client, auth, bvn):
    response = submit(client, auth, bvn=bvn)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], set(error["details"])) == ("VALIDATION_ERROR", {"bvn"})


@pytest.mark.parametrize("field", ["full_name", "date_of_birth", "bvn"])
def test_required_details(client, auth, field):
    body = {"full_name": "Adaeze Okafor", "date_of_birth": "1990-05-17", "bvn": BVN}
    del body[field]
    response = client.post("/account/kyc", body, content_type="application/json", **auth)
    assert response.json()["error"]["details"].keys() == {field}


@pytest.mark.parametrize("bvn", [BVN, "02345678901"], ids=["approved", "rejected"])
def test_the_full_bvn_is_never_returned_stored_or_logged(client, auth, caplog, bvn):
    with caplog.at_level(logging.DEBUG):
        responses = [
            submit(client, auth, bvn=bvn),
            client.get("/account/kyc", **auth),
            client.get("/account/profile", **auth),
        ]
    for response in responses:
        assert bvn.encode() not in response.content
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(p)::text FROM accounts_kycprofile p")
        (row,) = cursor.fetchone()
    assert bvn not in row
    assert bvn[-4:] in row
    assert bvn not in caplog.text
