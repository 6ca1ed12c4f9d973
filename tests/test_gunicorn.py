"""The node as it runs in production: gunicorn with gunicorn.conf.py, over HTTP."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.contrib.auth.models import Group

from tests.urls import PROBE_GROUP_ID

BASE_DIR = Path(__file__).resolve().parent.parent


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


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
