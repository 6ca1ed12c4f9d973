"""/health/edge against a real primary, standby and Redis, healthy and broken."""

import time

import pytest
from django.core.management import call_command

from health.monitor import PROBE_DEADLINE_SECONDS, monitor

ROUTE53_BUDGET_SECONDS = 1.5


def edge(client):
    started = time.monotonic()
    response = client.get("/health/edge")
    elapsed = time.monotonic() - started
    assert elapsed < ROUTE53_BUDGET_SECONDS, f"/health/edge took {elapsed:.2f} s"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Region"] == "eu-west-1"
    return response.status_code, response.json()


def test_healthy_node_answers_200_with_its_region_and_lag(client, heartbeat):
    status, body = edge(client)
    assert status == 200
    assert body["status"] == "healthy"
    assert body["region"] == "eu-west-1"
    assert 0 <= body["replication_lag_secs"] <= 1
    assert set(body["checks"]) == {"primary", "replica", "replication", "cache"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "failed" not in body


def test_an_idle_primary_is_not_lag(client, settings, committed_db, cluster):
    settings.REPLICA_MAX_LAG_SECONDS = 1
    call_command("heartbeat", "--once")  # then nobody writes for longer than the limit
    cluster.wait_until_caught_up()
    time.sleep(1.5)
    status, body = edge(client)
    assert status == 200, body
    assert body["replication_lag_secs"] == 0


def test_replay_stopped_while_the_primary_writes_is_lag(client, settings, heartbeat, paused_replay):
    settings.REPLICA_MAX_LAG_SECONDS = 1
    time.sleep(1.6)
    status, body = edge(client)
    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["failed"] == ["replication"]
    assert body["replication_lag_secs"] > 1
    assert "exceeds 1 s" in body["checks"]["replication"]["detail"]


def test_lag_within_the_limit_is_healthy(client, heartbeat, paused_replay):
    time.sleep(0.6)  # the default limit is 5 s
    status, body = edge(client)
    assert status == 200
    assert 0 < body["replication_lag_secs"] < 5


def test_a_replica_cut_off_from_the_primary_is_unhealthy_not_lag_zero(
    client, heartbeat, cut_off_replica
):
    status, body = edge(client)
    assert status == 503
    assert body["failed"] == ["replication"]
    assert "not streaming" in body["checks"]["replication"]["detail"]
    assert body["replication_lag_secs"] is None


def test_a_stopped_replica_is_unhealthy(client, stopped_replica):
    status, body = edge(client)
    assert status == 503
    assert body["failed"] == ["replica"]
    assert body["checks"]["replica"]["detail"].startswith("unreachable")


def test_a_frozen_replica_is_reported_within_the_budget(client, frozen_replica):
    status, body = edge(client)
    assert status == 503
    assert body["failed"] == ["replica"]
    assert body["checks"]["replica"]["detail"] == (
        f"not answering within {PROBE_DEADLINE_SECONDS:g} s"
    )
    for _ in range(3):  # asked again, the node neither hangs nor stacks up probes
        status, body = edge(client)
        assert status == 503
        assert body["failed"] == ["replica"]


def test_a_frozen_primary_is_reported_within_the_budget(client, committed_db, cluster):
    cluster.primary.freeze()
    try:
        status, body = edge(client)
    finally:
        cluster.primary.thaw()
    assert status == 503
    assert "primary" in body["failed"]


def test_a_dead_cache_is_unhealthy(client, committed_db, stopped_cache):
    status, body = edge(client)
    assert status == 503
    assert body["failed"] == ["cache"]


def test_a_dead_primary_is_unhealthy(client, stopped_primary):
    status, body = edge(client)
    assert status == 503
    assert "primary" in body["failed"]


def test_live_asks_no_dependency(client, stopped_primary, stopped_cache):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "alive", "region": "eu-west-1"}


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_health_endpoints_only_answer_reads(client, method):
    response = getattr(client, method)("/health/edge")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert "POST" not in response["Allow"]
    assert "GET" in response["Allow"]


def test_a_node_without_replica_reports_lag_zero(client, settings, committed_db):
    replica = settings.DATABASES.pop("replica")
    try:
        monitor.reset()
        status, body = edge(client)
    finally:
        settings.DATABASES["replica"] = replica
    assert status == 200
    assert body["replication_lag_secs"] == 0
    assert set(body["checks"]) == {"primary", "cache"}
