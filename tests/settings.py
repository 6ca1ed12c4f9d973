"""The node's settings with the probe URLs of tests.urls, for tests that run a real server."""

from aframp.settings import *  # noqa: F403

ROOT_URLCONF = "tests.urls"
