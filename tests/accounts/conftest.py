import pytest
from django.test import Client

from accounts import services
from tests.accounts.factories import bearer, make_user, unique_ip


@pytest.fixture
def client():
    """A test client with an IP of its own: sign-in lockouts are kept per IP in the
    suite's one Redis, so tests must not share one.
    """
    return Client(REMOTE_ADDR=unique_ip())


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def auth(user) -> dict:
    """Bearer credentials of `user`, as test-client keyword arguments."""
    return bearer(services.create_token(user=user).token)
