import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from health.models import Heartbeat
from health.monitor import monitor
from tests.cluster_plugin import cluster_key
from tests.pgcluster import free_port

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def cluster(request):
    """The suite's own primary, streaming standby and Redis (tests.pgcluster)."""
    return request.config.stash[cluster_key]


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker, cluster):
    """The cluster lives only as long as the run, so tests use its database as it is."""
    with django_db_blocker.unblock():
        call_command("migrate", database="default", interactive=False, verbosity=0)
    cluster.wait_until_caught_up()


@pytest.fixture(scope="session", autouse=True)
def static_files():
    """Collected once, as `make run` does, so admin pages render as in production."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker, cluster):
    """Real commits on the primary, replayed by the standby; the primary is flushed after.

    Tests about the replica need this: rows written inside a test transaction
    that is rolled back never reach a standby.
    """
    with django_db_blocker.unblock():
        yield
        call_command("flush", database="default", interactive=False, verbosity=0)
    cluster.wait_until_caught_up()


@pytest.fixture(autouse=True)
def fresh_monitor():
    """Each test starts with no cached verdict about the dependencies."""
    monitor.reset()
    yield
    monitor.reset()


@pytest.fixture
def heartbeat(committed_db, cluster):
    """`manage.py heartbeat`, beating five times a second, as it runs beside a node."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "heartbeat", "--interval", "0.2"],
        cwd=BASE_DIR,
        env=os.environ,
    )
    deadline = time.monotonic() + 15
    while not cluster.replica.query("SELECT 1 FROM health_heartbeat LIMIT 1"):
        assert process.poll() is None, "manage.py heartbeat exited early"
        assert time.monotonic() < deadline, "no heartbeat reached the replica"
        time.sleep(0.05)
    yield process
    process.terminate()
    process.wait(timeout=10)
    Heartbeat.objects.all().delete()


@pytest.fixture
def paused_replay(committed_db, cluster):
    cluster.wait_until_caught_up()
    cluster.pause_replay()
    yield
    cluster.resume_replay()
    cluster.wait_until_caught_up()


@pytest.fixture
def stopped_replica(committed_db, cluster):
    cluster.replica.stop()
    yield
    cluster.replica.start()
    cluster.wait_until_streaming()
    connections.close_all()  # this thread's connections died with the server


@pytest.fixture
def frozen_replica(committed_db, cluster):
    cluster.replica.freeze()
    yield
    cluster.replica.thaw()
    cluster.wait_until_streaming()
    connections.close_all()


@pytest.fixture
def cut_off_replica(committed_db, cluster):
    cluster.cut_off_replica()
    yield
    cluster.reconnect_replica()


@pytest.fixture
def stopped_primary(committed_db, cluster):
    cluster.primary.stop()
    yield
    if not cluster.primary.running():
        cluster.primary.start()
    cluster.wait_until_streaming()
    connections.close_all()  # this thread's connections died with the server


@pytest.fixture
def stopped_cache(cluster):
    cluster.redis.stop()
    yield
    cluster.redis.start()


@pytest.fixture
def node(committed_db, tmp_path):
    """A regional node as in production: gunicorn with gunicorn.conf.py, on the suite's
    cluster, with the probe URLs of tests.urls; yields its base URL.
    """
    port = free_port()
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "WEB_CONCURRENCY": "2",
        "REPLICA_MAX_LAG_SECONDS": "60",
    }
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health/live", timeout=5) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=30)
