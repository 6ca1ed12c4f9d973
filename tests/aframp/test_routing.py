"""Which database a read comes from, proven against a real streaming standby.

With replay paused on the standby, a row changed on the primary has two
values at once: the old one on the replica and the new one on the primary.
What a request sees tells where it read.
"""

import logging
import time

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from aframp.consistency import consistency, use_primary
from aframp.paths import Consistency
from tests.urls import PROBE_GROUP_ID, PROBE_PATHS

pytestmark = pytest.mark.urls("tests.urls")


@pytest.fixture
def two_versions(committed_db, cluster, heartbeat, paused_replay):
    """The probe group is 'old' on the replica and 'new' on the primary."""
    Group.objects.filter(pk=PROBE_GROUP_ID).update(name="new")


@pytest.fixture(autouse=True)
def probe_group(request, committed_db, cluster):
    Group.objects.create(pk=PROBE_GROUP_ID, name="old")
    cluster.wait_until_caught_up()


def seen(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()["name"]


@pytest.mark.parametrize("probe", ["public", "rates", "rates-sub", "fees", "fees-sub"])
def test_eventual_paths_read_the_replica(client, two_versions, probe):
    assert seen(client, PROBE_PATHS[probe]) == "old"


@pytest.mark.parametrize(
    "probe",
    [
        "account",
        "onramp",
        "offramp",
        "mint",
        "transaction",
        "transfer",
        "redemption",
        "root",
        "unlisted",
    ],
)
def test_strong_and_unlisted_paths_read_the_primary(client, two_versions, probe):
    assert seen(client, PROBE_PATHS[probe]) == "new"


@pytest.mark.parametrize("value", ["strong", "STRONG", "  strong  "])
def test_strong_header_reads_from_primary(client, two_versions, value):
    assert seen(client, PROBE_PATHS["public"], **{"X-Consistency": value}) == "new"


@pytest.mark.parametrize("value", ["eventual", "bogus", ""])
def test_other_header_values_keep_eventual_reads_on_the_replica(client, two_versions, value):
    assert seen(client, PROBE_PATHS["public"], **{"X-Consistency": value}) == "old"


def test_the_flag_never_leaks_into_the_next_request_on_the_same_thread(client, two_versions):
    assert seen(client, PROBE_PATHS["public"], **{"X-Consistency": "strong"}) == "new"
    assert seen(client, PROBE_PATHS["public"]) == "old"
    assert seen(client, PROBE_PATHS["account"]) == "new"
    assert seen(client, PROBE_PATHS["public"]) == "old"


def test_reads_inside_a_transaction_on_the_primary_stay_there(two_versions):
    with consistency(Consistency.EVENTUAL):
        assert Group.objects.get(pk=PROBE_GROUP_ID).name == "old"
        with transaction.atomic():
            assert Group.objects.get(pk=PROBE_GROUP_ID).name == "new"
        assert Group.objects.get(pk=PROBE_GROUP_ID).name == "old"


def test_code_outside_requests_reads_the_primary_unless_it_opts_in(two_versions):
    assert Group.objects.get(pk=PROBE_GROUP_ID).name == "new"
    with consistency(Consistency.EVENTUAL):
        assert Group.objects.get(pk=PROBE_GROUP_ID).name == "old"
        with use_primary():
            assert Group.objects.get(pk=PROBE_GROUP_ID).name == "new"

    @use_primary()
    def job():
        return Group.objects.get(pk=PROBE_GROUP_ID).name

    with consistency(Consistency.EVENTUAL):
        assert job() == "new"


def test_writes_always_go_to_the_primary(cluster, two_versions):
    with consistency(Consistency.EVENTUAL):
        Group.objects.create(name="written-under-eventual")
    assert cluster.primary.query(
        "SELECT name FROM auth_group WHERE name = 'written-under-eventual'"
    )


def test_lag_past_the_limit_sends_eventual_reads_to_the_primary(
    client, settings, two_versions, caplog
):
    settings.REPLICA_MAX_LAG_SECONDS = 1
    time.sleep(1.5)  # replay is paused while the heartbeat goes on
    with caplog.at_level(logging.WARNING, logger="health.monitor"):
        assert seen(client, PROBE_PATHS["public"]) == "new"
    assert "Eventual reads fall back to the primary" in caplog.text
    assert "replication lag" in caplog.text

    health = client.get("/health/edge")
    assert health.status_code == 503
    assert health.json()["failed"] == ["replication"]
    assert health.json()["replication_lag_secs"] > 1


def test_a_stopped_replica_still_leaves_reads_served(client, stopped_replica):
    Group.objects.filter(pk=PROBE_GROUP_ID).update(name="new")
    assert seen(client, PROBE_PATHS["public"]) == "new"
    assert client.get("/health/edge").status_code == 503


def test_a_frozen_replica_does_not_hang_eventual_reads(client, frozen_replica):
    Group.objects.filter(pk=PROBE_GROUP_ID).update(name="new")
    started = time.monotonic()
    assert seen(client, PROBE_PATHS["public"]) == "new"
    assert time.monotonic() - started < 3


def test_with_the_primary_down_eventual_reads_stay_on_the_replica(client, stopped_primary):
    assert seen(client, PROBE_PATHS["public"]) == "old"
    strong = client.get(PROBE_PATHS["account"])
    assert strong.status_code == 503
    assert strong.json()["error"]["code"] == "DATABASE_UNAVAILABLE"
    assert strong["Retry-After"] == "5"
    assert strong["Cache-Control"] == "no-store, private"
