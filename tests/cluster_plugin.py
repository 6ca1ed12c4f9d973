"""Starts the suite's own PostgreSQL primary, streaming standby and Redis.

Loaded with `-p tests.cluster_plugin` (see pyproject.toml) so that it runs
before pytest-django reads the settings: the servers must exist, and their
addresses be in the environment, before aframp.settings is imported.
"""

import os

import pytest

from tests.pgcluster import LocalCluster

cluster_key = pytest.StashKey[LocalCluster]()

# The suite plays a node in a replica region.
TEST_NODE_ENV = {
    "REGION": "eu-west-1",
    "SECRET_KEY": "test-secret-key-used-only-by-the-test-suite-0123456789",
    "REPLICA_MAX_LAG_SECONDS": "5",
    "DEBUG": "false",
    "PAYMENT_WEBHOOK_SECRET": "test-webhook-secret",
}


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    options = early_config.known_args_namespace
    if not (options.help or options.version):
        cluster = LocalCluster()
        try:
            cluster.start()
        except Exception:
            cluster.stop()
            raise
        early_config.stash[cluster_key] = cluster
        os.environ.update(TEST_NODE_ENV)
        os.environ.update(cluster.env())
    return (yield)


def pytest_unconfigure(config):
    cluster = config.stash.get(cluster_key, None)
    if cluster is not None:
        cluster.stop()
