"""The node as it runs in production: gunicorn with gunicorn.conf.py, over HTTP."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.pgcluster import free_port
from tests.urls import PROBE_GROUP_ID

BASE_DIR = Path(__file__).resolve().parent.parent


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def node(committed_db):
    port = free_port()
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "WEB_CONCURRENCY": "2",
        "REPLICA_MAX_LAG_SECONDS": "60",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if fetch(f"{base}/health/live")[0] == 200:
                break
        except OSError:
            pass
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=30)


def test_node_serves_health_and_region_over_http(node, heartbeat):
    status, headers, body = fetch(f"{node}/health/edge")
    assert status == 200, body
    assert json.loads(body)["region"] == headers["X-Region"] == "eu-west-1"
    assert headers["Cache-Control"] == "no-store"


def test_concurrent_requests_on_worker_threads_never_share_a_flag(
    node, cluster, heartbeat, paused_replay
):
    Group.objects.create(pk=PROBE_GROUP_ID, name="new")  # the replica has no such group

    def probe(i: int) -> tuple[bool, str | None]:
        strong = i % 2 == 0
        headers = {"X-Consistency": "strong"} if strong else {}
        status, _, body = fetch(f"{node}/public/probe", headers)
        assert status == 200, body
        return strong, json.loads(body)["name"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(probe, range(200)))
    for strong, name in results:
        assert name == ("new" if strong else None)


def test_a_dead_primary_costs_503s_only_while_it_is_down(node, cluster, stopped_primary):
    for _ in range(8):  # every worker thread, each with its own connection
        status, headers, body = fetch(f"{node}/account/probe")
        assert status == 503
        assert json.loads(body)["error"]["code"] == "DATABASE_UNAVAILABLE"
        assert headers["Retry-After"] == "5"
        assert fetch(f"{node}/public/probe")[0] == 200  # stale beats nothing
    cluster.primary.start()
    for _ in range(8):
        status, _, body = fetch(f"{node}/account/probe")
        assert status == 200, body
