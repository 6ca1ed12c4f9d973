"""POST /account/register."""

import pytest
from django.contrib.auth.models import User

from tests.accounts.factories import PASSWORD, unique_email

pytestmark = pytest.mark.django_db


def register(client, **body):
    return client.post("/account/register", body, content_type="application/json")


def validation_errors(response) -> dict:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    return error["details"]


def test_register_creates_a_user_and_answers_201_with_id_and_email(client):
    email = unique_email()
    response = register(client, email=email, password=PASSWORD)
    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "email": email}
    user = User.objects.get(pk=body["id"])
    assert (user.username, user.email) == (email, email)
    assert user.check_password(PASSWORD)
    assert PASSWORD not in user.password


def test_email_is_stored_lower_case(client):
    local = unique_email().split("@")[0]
    response = register(client, email=f"  {local.upper()}@Example.COM ", password=PASSWORD)
    assert response.status_code == 201
    assert response.json()["email"] == f"{local}@example.com"


@pytest.mark.parametrize("spelling", [str.lower, str.upper, str.title])
def test_an_email_registers_once_whatever_its_case(client, spelling):
    email = unique_email()
    assert register(client, email=email, password=PASSWORD).status_code == 201
    details = validation_errors(register(client, email=spelling(email), password=PASSWORD))
    assert details == {"email": ["An account with this email already exists."]}
    assert User.objects.filter(email__iexact=email).count() == 1


@pytest.mark.parametrize(
    "password",
    ["short1!", "password123", "84736291057364", "user-xyz@example.com"],
    ids=["too-short", "common", "numeric", "like-the-email"],
)
def test_weak_passwords_are_refused(client, password):
    response = register(client, email="user-xyz@example.com", password=password)
    assert set(validation_errors(response)) == {"password"}
    assert not User.objects.filter(email="user-xyz@example.com").exists()


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", ""])
def test_bad_emails_are_refused(client, email):
    assert set(validation_errors(register(client, email=email, password=PASSWORD))) == {"email"}


def test_missing_fields_are_named(client):
    assert set(validation_errors(register(client))) == {"email", "password"}


def test_registration_ignores_any_bearer_token(client):
    """A public endpoint never looks a token up, so a bad one cannot make it fail."""
    response = client.post(
        "/account/register",
        {"email": unique_email(), "password": PASSWORD},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer not-a-token",
    )
    assert response.status_code == 201
