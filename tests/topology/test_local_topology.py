"""The local three-region topology, started for real once for this module.

`make cluster` and `make dist-test` exercise it as a whole; these tests check
the edge's caching and the Route 53 stand-in's failover, in a state folder and
on ports of their own, so that they never touch a topology started by hand.
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from localcluster.regions import BY_NAME
from localcluster.topology import Topology, fetch, missing_prerequisites
from tests.pgcluster import free_port

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def localcluster(state_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "localcluster", "--state-dir", str(state_dir), *args],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def topology():
    missing = missing_prerequisites()
    if missing:
        pytest.skip("; ".join(missing))
    state_dir = Path(tempfile.mkdtemp(prefix="aframp-topology-test-"))
    ports = {
        "--http-port": free_port(),
        "--dns-port": free_port(),
        "--postgres-port": free_port(),
        "--redis-port": free_port(),
    }
    started = localcluster(state_dir, "start", *(f"{k}={v}" for k, v in ports.items()))
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield Topology(state_dir)
    finally:
        stopped = localcluster(state_dir, "stop")
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        shutil.rmtree(state_dir)


def test_a_second_start_says_it_is_already_running(topology):
    again = localcluster(topology.state_dir, "start")
    assert again.returncode == 0
    assert "already running" in again.stdout


def test_edge_caches_a_cacheable_path(topology):
    first = fetch(f"{topology.edge_url}/public/fees")
    second = fetch(f"{topology.edge_url}/public/fees")
    assert first[0] == second[0] == 200
    assert first[1]["X-Cache-Status"] == "MISS"
    assert second[1]["X-Cache-Status"] == "HIT"
    assert second[2] == first[2]


def test_edge_never_caches_a_strong_path(topology):
    for _ in range(2):
        status, headers, _ = fetch(f"{topology.edge_url}/account/balance")
        assert headers["Cache-Control"] == "no-store, private"
        assert headers["X-Cache-Status"] == "BYPASS", status


def test_strong_request_on_a_cacheable_path_is_a_cache_miss(topology):
    fetch(f"{topology.edge_url}/public/rates")
    assert fetch(f"{topology.edge_url}/public/rates")[1]["X-Cache-Status"] == "HIT"
    for _ in range(2):
        status, headers, _ = fetch(
            f"{topology.edge_url}/public/rates", headers={"X-Consistency": "strong"}
        )
        assert status == 200
        assert headers["X-Cache-Status"] == "MISS"
        assert headers["X-Route-Primary"] == "true"
        assert headers["Cache-Control"] == "no-store, private"


def test_a_lagging_region_leaves_dns_without_a_failed_request(topology):
    eu_west_1 = topology.node_url(BY_NAME["eu-west-1"])

    def edge_region() -> str:
        # /health/live is on no cacheable row: every request reaches a region.
        status, headers, _ = fetch(f"{topology.edge_url}/health/live")
        assert status == 200, "a client request failed during the switch"
        return headers["X-Region"]

    assert edge_region() == "eu-west-1"
    assert localcluster(topology.state_dir, "fault", "pause-replay", "eu-west-1").returncode == 0
    try:
        paused_at = time.monotonic()
        while fetch(f"{eu_west_1}/health/edge")[0] != 503:
            assert edge_region() == "eu-west-1"
            assert time.monotonic() - paused_at < 20, "eu-west-1 never reported its lag"
            time.sleep(0.1)
        unhealthy_at = time.monotonic()
        while edge_region() != "us-east-1":
            assert time.monotonic() - unhealthy_at < 10, "traffic never left eu-west-1"
            time.sleep(0.05)
        for _ in range(20):  # and it stays there
            assert edge_region() == "us-east-1"
    finally:
        localcluster(topology.state_dir, "fault", "resume-replay", "eu-west-1")
    healed_at = time.monotonic()
    while edge_region() != "eu-west-1":
        assert time.monotonic() - healed_at < 15, "traffic never came back to eu-west-1"
        time.sleep(0.1)
