"""Cache-Control, Vary, ETag, cookies, X-Route-Primary and X-Region, row by row."""

import pytest
from django.contrib.auth.models import Group

from aframp.consistency import current_consistency
from aframp.paths import CACHEABLE, NO_STORE, PRIVATE, Consistency
from tests.urls import PROBE_GROUP_ID, PROBE_PATHS

pytestmark = [pytest.mark.urls("tests.urls"), pytest.mark.django_db]

CACHEABLE_PROBES = ["public", "rates", "rates-sub", "fees", "fees-sub"]
STRONG_PROBES = [
    "account",
    "onramp",
    "offramp",
    "mint",
    "transaction",
    "transfer",
    "redemption",
    "root",
    "unlisted",
]


@pytest.fixture(autouse=True)
def probe_group():
    Group.objects.create(pk=PROBE_GROUP_ID, name="probe")


@pytest.mark.parametrize("probe", CACHEABLE_PROBES)
def test_eventual_rows_are_cacheable_with_vary_and_etag(client, probe):
    response = client.get(PROBE_PATHS[probe])
    assert response.status_code == 200
    assert response["Cache-Control"] == CACHEABLE
    assert response["Vary"] == "Accept-Encoding, X-Consistency"
    assert response["ETag"].startswith('"')
    assert response["X-Region"] == "eu-west-1"
    assert "X-Route-Primary" not in response


@pytest.mark.parametrize("probe", STRONG_PROBES)
def test_strong_and_unlisted_rows_are_never_stored(client, probe):
    response = client.get(PROBE_PATHS[probe])
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert response["X-Route-Primary"] == "true"
    assert response["X-Region"] == "eu-west-1"
    assert "ETag" not in response


def test_health_edge_is_no_store_without_private(client):
    response = client.get("/health/edge")
    assert response["Cache-Control"] == NO_STORE
    assert response["X-Region"] == "eu-west-1"


@pytest.mark.parametrize("value", ["strong", "STRONG", " Strong ", "\tstrong"])
def test_strong_header_makes_any_path_private_and_pinned(client, value):
    for probe in ("public", "rates", "fees", "account"):
        response = client.get(PROBE_PATHS[probe], headers={"X-Consistency": value})
        assert response.status_code == 200
        assert response["Cache-Control"] == PRIVATE
        assert response["X-Route-Primary"] == "true"
        assert "ETag" not in response
    response = client.get("/health/edge", headers={"X-Consistency": value})
    assert response["Cache-Control"] == PRIVATE
    assert response["X-Route-Primary"] == "true"


@pytest.mark.parametrize("value", ["eventual", "weak", "", "strongest", "strong;q=1", "ström", "0"])
def test_other_header_values_are_ignored_without_error(client, value):
    response = client.get(PROBE_PATHS["public"], headers={"X-Consistency": value})
    assert response.status_code == 200
    assert response["Cache-Control"] == CACHEABLE
    assert "X-Route-Primary" not in response
    # A client can ask for more consistency, never less.
    response = client.get(PROBE_PATHS["account"], headers={"X-Consistency": value})
    assert response["Cache-Control"] == PRIVATE
    assert response["X-Route-Primary"] == "true"


def test_conditional_get_on_a_cacheable_path_answers_304(client):
    first = client.get(PROBE_PATHS["rates"])
    again = client.get(PROBE_PATHS["rates"], headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == CACHEABLE
    assert again["X-Region"] == "eu-west-1"
    Group.objects.filter(pk=PROBE_GROUP_ID).update(name="renamed")
    changed = client.get(PROBE_PATHS["rates"], headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed.json() == {"name": "renamed"}


def test_head_on_a_cacheable_path_gets_the_public_policy(client):
    response = client.head(PROBE_PATHS["public"])
    assert response.status_code == 200
    assert response["Cache-Control"] == CACHEABLE


def test_cacheable_responses_never_carry_set_cookie(client):
    response = client.get(PROBE_PATHS["public"], {"cookie": "1"})
    assert response["Cache-Control"] == CACHEABLE
    assert "Set-Cookie" not in response
    assert not response.cookies
    # On a private path the same cookie is the view's business.
    response = client.get(PROBE_PATHS["account"], {"cookie": "1"})
    assert response.cookies["tracking"].value == "personal"


@pytest.mark.parametrize("probe", CACHEABLE_PROBES)
def test_errors_on_cacheable_paths_are_not_stored(client, probe):
    missing = client.get(PROBE_PATHS[probe], {"fail": "missing"})
    assert missing.status_code == 404
    assert missing["Cache-Control"] == NO_STORE
    crash = client.get(PROBE_PATHS[probe], {"fail": "crash"})
    assert crash.status_code == 500
    assert crash["Cache-Control"] == NO_STORE
    assert crash["X-Region"] == "eu-west-1"
    assert "ETag" not in crash


def test_unknown_path_under_a_cacheable_prefix_is_a_stored_nothing_404(client):
    response = client.get("/public/no-such-page")
    assert response.status_code == 404
    assert response["Cache-Control"] == NO_STORE
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_methods_on_cacheable_paths_are_not_stored(client, method):
    response = getattr(client, method)(PROBE_PATHS["public"])
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE
    assert "ETag" not in response


def test_the_flag_is_reset_after_the_request_even_when_the_view_crashes(client):
    client.get(PROBE_PATHS["public"], {"fail": "crash"})
    assert current_consistency() is Consistency.STRONG
    client.get(PROBE_PATHS["public"])
    assert current_consistency() is Consistency.STRONG
