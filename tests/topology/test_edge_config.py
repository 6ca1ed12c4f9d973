"""The local edge's cache rules mean what the path table means."""

import re

import pytest

from aframp.paths import DEFAULT_RULE, PATH_TABLE, rule_for
from localcluster.edge import nginx_conf, path_regex
from tests.urls import PROBE_PATHS

SAMPLE_PATHS = [
    *PROBE_PATHS.values(),
    "/public",
    "/public/",
    "/api/v1/ratesx",
    "/api/v1/rates/",
    "/api/v1/fees/x/y",
    "/api/v1/transaction",
    "/api/v1/transactionsabc",
    "/Public/rates",
    "/health/edge",
    "/health/edge/",
    "/health/live",
]


@pytest.mark.parametrize("path", SAMPLE_PATHS)
def test_first_matching_regex_is_the_path_tables_rule(path):
    patterns = [(rule, pattern) for rule in PATH_TABLE for pattern in rule.patterns]
    first = next(
        (rule for rule, pattern in patterns if re.match(path_regex(pattern), path)), DEFAULT_RULE
    )
    assert first == rule_for(path)


def test_every_pattern_is_in_the_nginx_map_in_table_order(tmp_path):
    conf = nginx_conf(
        listen="127.0.0.1:1",
        upstream="127.0.0.1:2",
        work_dir=tmp_path,
        error_log=tmp_path / "error.log",
        access_log=tmp_path / "access.log",
    )
    entries = re.findall(r'"~(\S+)" ([01]);  # (\S+)', conf)
    assert entries == [
        (path_regex(pattern), "0" if rule.cacheable else "1", rule.name)
        for rule in PATH_TABLE
        for pattern in rule.patterns
    ]
    assert "default 1;" in conf  # unlisted paths are never cached
    directives = {line.split()[0] for line in conf.splitlines() if line.strip()}
    assert "proxy_ignore_headers" not in directives  # so Set-Cookie keeps a response out
    assert "proxy_cache_valid" not in directives  # so only what the origin allows is kept
