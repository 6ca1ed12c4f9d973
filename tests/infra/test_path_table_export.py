"""The Terraform variables file and dist-test.sh say what aframp.paths.PATH_TABLE says."""

import json
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from aframp.management.commands import export_path_table
from aframp.management.commands.export_path_table import VARIABLES_FILE, render
from aframp.paths import DEFAULT_RULE, PATH_TABLE, rule_for

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def test_committed_variables_file_matches_the_path_table():
    assert VARIABLES_FILE.read_text() == render(), (
        "infra/terraform/path_table.auto.tfvars.json is out of date: "
        "run `python manage.py export_path_table` and commit it"
    )


def test_every_pattern_becomes_one_behaviour_in_table_order():
    behaviors = json.loads(render())["path_behaviors"]
    assert [(b["rule"], b["path_pattern"]) for b in behaviors] == [
        (rule.name, pattern) for rule in PATH_TABLE for pattern in rule.patterns
    ]
    for behavior in behaviors:
        rule = rule_for(behavior["path_pattern"].rstrip("*"))
        assert behavior["cacheable"] == rule.cacheable
        assert behavior["cache_control"] == rule.cache_control
        assert behavior["max_age"] == (300 if rule.cacheable else 0)


def test_default_behaviour_is_the_default_rule():
    default = json.loads(render())["default_behavior"]
    assert default["cacheable"] is DEFAULT_RULE.cacheable is False
    assert default["cache_control"] == DEFAULT_RULE.cache_control


def test_export_command_rewrites_a_stale_file_that_check_refuses(tmp_path, monkeypatch):
    stale = tmp_path / "path_table.auto.tfvars.json"
    stale.write_text(render().replace("/public/*", "/publik/*"))
    monkeypatch.setattr(export_path_table, "VARIABLES_FILE", stale)
    with pytest.raises(CommandError, match="does not match"):
        call_command("export_path_table", "--check")
    call_command("export_path_table")
    call_command("export_path_table", "--check")
    assert stale.read_text() == render()


def test_dist_test_expects_what_the_path_table_promises():
    listed = subprocess.run(
        ["bash", str(BASE_DIR / "dist-test.sh"), "--expected-cache-control"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert len(listed) == 4
    for line in listed:
        path, cache_control = line.split("|")
        assert rule_for(path).cache_control == cache_control, path
