"""Sign-in, bearer tokens, logout and the sign-in lockout."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts import services
from accounts.models import AccessToken
from accounts.selectors import token_hash
from tests.accounts.factories import PASSWORD, bearer, make_user, unique_email, unique_ip

pytestmark = pytest.mark.django_db

PRIVATE_REQUESTS = [
    ("get", "/account/profile"),
    ("get", "/account/kyc"),
    ("post", "/account/kyc"),
    ("post", "/account/logout"),
]


def sign_in(client, email, password=PASSWORD, ip=None):
    extra = {"REMOTE_ADDR": ip} if ip else {}
    return client.post(
        "/account/token",
        {"email": email, "password": password},
        content_type="application/json",
        **extra,
    )


def assert_unauthenticated(response):
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "NOT_AUTHENTICATED"
    assert response["WWW-Authenticate"] == "Bearer"


def assert_locked_out(response):
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "RATE_LIMITED"
    assert 0 < int(response["Retry-After"]) <= services.SIGN_IN_WINDOW_SECONDS


# --- Sign-in -------------------------------------------------------------------


def test_sign_in_returns_a_token_that_expires_in_24_hours(client, user):
    before = timezone.now()
    response = sign_in(client, user.email.upper())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    expires_at = parse_datetime(body["expires_at"])
    assert before + timedelta(hours=24) <= expires_at + timedelta(milliseconds=1)
    assert expires_at <= timezone.now() + timedelta(hours=24)
    assert client.get("/account/profile", **bearer(body["token"])).status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_answer(client, user):
    wrong_password = sign_in(client, user.email, password="not-the-password")
    unknown_email = sign_in(client, unique_email())
    assert wrong_password.status_code == unknown_email.status_code == 400
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.json()["error"]["code"] == "INVALID_CREDENTIALS"


def test_an_inactive_user_cannot_sign_in(client, user):
    user.is_active = False
    user.save()
    assert sign_in(client, user.email).json()["error"]["code"] == "INVALID_CREDENTIALS"


def test_the_database_keeps_only_the_tokens_hash(client, user):
    token = sign_in(client, user.email).json()["token"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(t)::text FROM accounts_accesstoken t")
        rows = [row for (row,) in cursor.fetchall()]
    assert len(rows) == 1
    assert token not in rows[0]
    assert AccessToken.objects.get().key_hash == hashlib.sha256(token.encode()).hexdigest()


# --- Using a token -------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), PRIVATE_REQUESTS)
def test_private_endpoints_need_a_token(client, method, path):
    assert_unauthenticated(getattr(client, method)(path))


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-real-token", "Bearer", "Bearer two parts", "bearer not-a-real-token"],
)
def test_a_bad_bearer_token_is_refused(client, authorization):
    response = client.get("/account/profile", HTTP_AUTHORIZATION=authorization)
    assert_unauthenticated(response)


def test_another_scheme_is_not_a_token(client, user):
    assert_unauthenticated(client.get("/account/profile", HTTP_AUTHORIZATION="Basic dTpw"))


def test_an_expired_token_is_refused(client, user):
    issued = services.create_token(user=user)
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_unauthenticated(client.get("/account/profile", **bearer(issued.token)))


def test_the_token_of_a_deactivated_user_is_refused(client, user, auth):
    user.is_active = False
    user.save()
    assert_unauthenticated(client.get("/account/profile", **auth))


def test_logout_revokes_only_the_token_it_was_sent_with(client, user):
    first = services.create_token(user=user).token
    second = services.create_token(user=user).token
    assert client.post("/account/logout", **bearer(first)).status_code == 204
    assert_unauthenticated(client.get("/account/profile", **bearer(first)))
    assert_unauthenticated(client.post("/account/logout", **bearer(first)))
    assert client.get("/account/profile", **bearer(second)).status_code == 200


# --- Lockout -------------------------------------------------------------------


def test_five_failures_for_an_email_lock_it_out_even_with_the_right_password(client, user):
    for _ in range(services.SIGN_IN_FAILURE_LIMIT):
        response = sign_in(client, user.email, password="wrong", ip=unique_ip())
        assert response.status_code == 400
    assert_locked_out(sign_in(client, user.email, ip=unique_ip()))
    assert_locked_out(sign_in(client, user.email.upper(), ip=unique_ip()))


def test_five_failures_from_an_ip_lock_it_out(client, user):
    ip = unique_ip()
    for _ in range(services.SIGN_IN_FAILURE_LIMIT):
        assert sign_in(client, unique_email(), ip=ip).status_code == 400
    assert_locked_out(sign_in(client, user.email, ip=ip))
    assert sign_in(client, user.email, ip=unique_ip()).status_code == 200


def test_fewer_failures_than_the_limit_do_not_lock_out(client, user):
    for _ in range(services.SIGN_IN_FAILURE_LIMIT - 1):
        assert sign_in(client, user.email, password="wrong").status_code == 400
    assert sign_in(client, user.email).status_code == 200


def test_long_expired_and_revoked_tokens_are_purged_and_live_ones_kept(db):
    user = make_user()
    live = services.create_token(user=user)
    old = services.create_token(user=user)
    revoked = services.create_token(user=user)
    recent = services.create_token(user=user)
    long_ago = timezone.now() - timedelta(days=31)
    AccessToken.objects.filter(key_hash=token_hash(old.token)).update(expires_at=long_ago)
    AccessToken.objects.filter(key_hash=token_hash(revoked.token)).update(revoked_at=long_ago)
    AccessToken.objects.filter(key_hash=token_hash(recent.token)).update(
        revoked_at=timezone.now() - timedelta(days=1)
    )
    out = StringIO()
    call_command("purge_tokens", stdout=out)
    assert out.getvalue().strip() == "2 tokens purged"
    remaining = set(AccessToken.objects.values_list("key_hash", flat=True))
    assert remaining == {token_hash(live.token), token_hash(recent.token)}
