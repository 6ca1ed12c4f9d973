"""infra/terraform, checked offline: its structure (python-hcl2), terraform fmt, checkov."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import hcl2
import pytest
from hcl2.utils import SerializationOptions

BASE_DIR = Path(__file__).resolve().parent.parent.parent
TERRAFORM_DIR = BASE_DIR / "infra" / "terraform"
# checkov pins packaging<24, which pytest cannot use: `make checkov` gives it a venv of its own.
CHECKOV = BASE_DIR / ".venv" / "checkov" / "bin" / "checkov"


def parse(name: str) -> dict[tuple[str, str, str], dict]:
    """{(kind, type, name): body} for every resource, data source and dynamic block."""
    options = SerializationOptions(
        with_comments=False, explicit_blocks=False, strip_string_quotes=True
    )
    with open(TERRAFORM_DIR / name) as tf:
        document = hcl2.load(tf, serialization_options=options)
    blocks = {}
    for kind in ("resource", "data"):
        for entry in document.get(kind, []):
            for type_, named in entry.items():
                for block_name, body in named.items():
                    blocks[kind, type_, block_name] = body
    return blocks


@pytest.fixture(scope="module")
def edge():
    return parse("edge.tf")


@pytest.fixture(scope="module")
def global_lb():
    return parse("global_lb.tf")


def dynamic(body: dict, name: str) -> dict:
    return next(block[name] for block in body["dynamic"] if name in block)


def test_one_ordered_behaviour_per_path_table_pattern(edge):
    distribution = edge["resource", "aws_cloudfront_distribution", "api"]
    behaviour = dynamic(distribution, "ordered_cache_behavior")
    assert behaviour["for_each"] == "${var.path_behaviors}"
    content = behaviour["content"][0]
    assert content["path_pattern"] == "${behavior.value.path_pattern}"
    assert content["cached_methods"] == ["GET", "HEAD"]


def test_cacheable_rows_get_a_cache_policy_keyed_on_x_consistency(edge):
    policy = edge["resource", "aws_cloudfront_cache_policy", "cacheable"]
    assert policy["for_each"] == "${local.cacheable_max_ages}"
    key = policy["parameters_in_cache_key_and_forwarded_to_origin"][0]
    headers = key["headers_config"][0]
    assert headers["header_behavior"] == "whitelist"
    assert headers["headers"][0]["items"] == ["X-Consistency"]
    assert key["cookies_config"][0]["cookie_behavior"] == "none"
    assert policy["min_ttl"] == 0  # the origin's no-store on errors is obeyed


def test_strong_rows_get_caching_disabled_and_every_viewer_header(edge):
    disabled = edge["data", "aws_cloudfront_cache_policy", "caching_disabled"]
    assert disabled["name"] == "Managed-CachingDisabled"
    forwarding = edge["data", "aws_cloudfront_origin_request_policy", "all_viewer_except_host"]
    # Forwards Authorization, Idempotency-Key and X-Consistency on uncached rows.
    assert forwarding["name"] == "Managed-AllViewerExceptHostHeader"

    distribution = edge["resource", "aws_cloudfront_distribution", "api"]
    for rule, body in (
        ("behavior.value", dynamic(distribution, "ordered_cache_behavior")["content"][0]),
        ("var.default_behavior", distribution["default_cache_behavior"][0]),
    ):
        assert body["cache_policy_id"] == (
            f"${{{rule}.cacheable ? aws_cloudfront_cache_policy.cacheable[{rule}.rule].id"
            " : data.aws_cloudfront_cache_policy.caching_disabled.id}"
        )
        assert body["origin_request_policy_id"] == (
            f"${{{rule}.cacheable ? null"
            " : data.aws_cloudfront_origin_request_policy.all_viewer_except_host.id}"
        )


def test_cacheable_rows_are_chosen_by_the_path_table(edge):
    # hcl2 keeps expressions as text: the locals block is checked in edge.tf itself.
    text = (TERRAFORM_DIR / "edge.tf").read_text()
    assert (
        "cacheable_max_ages = { for b in var.path_behaviors : b.rule => b.max_age... "
        "if b.cacheable }" in text
    )


def test_no_error_is_cached(edge):
    distribution = edge["resource", "aws_cloudfront_distribution", "api"]
    errors = dynamic(distribution, "custom_error_response")
    assert errors["for_each"] == "${local.error_codes}"
    assert errors["content"][0]["error_caching_min_ttl"] == 0
    codes = re.search(r"error_codes = \[([\d, ]+)\]", (TERRAFORM_DIR / "edge.tf").read_text())
    assert {500, 502, 503, 504} <= {int(code) for code in codes.group(1).split(",")}


def test_origin_carries_the_verify_secret(edge):
    origin = edge["resource", "aws_cloudfront_distribution", "api"]["origin"][0]
    assert origin["custom_header"] == [
        {"name": "X-Origin-Verify", "value": "${var.origin_verify_secret}"}
    ]
    assert origin["custom_origin_config"][0]["origin_protocol_policy"] == "https-only"
    assert "sensitive   = true" in (TERRAFORM_DIR / "variables.tf").read_text()


def test_one_https_health_check_per_regional_endpoint(global_lb):
    check = global_lb["resource", "aws_route53_health_check", "region"]
    assert check["for_each"] == "${var.regions}"
    assert check["fqdn"] == "${each.value.endpoint}"  # never the shared name
    assert check["type"] == "HTTPS"
    assert check["resource_path"] == "/health/edge"
    assert check["request_interval"] == 10
    assert check["failure_threshold"] == 3


def test_latency_records_per_region_guarded_by_their_health_check(global_lb):
    record = global_lb["resource", "aws_route53_record", "origin"]
    assert record["for_each"] == "${var.regions}"
    assert record["name"] == "${var.origin_domain_name}"
    assert record["set_identifier"] == "${each.key}"
    assert record["latency_routing_policy"] == [{"region": "${each.key}"}]
    assert record["health_check_id"] == "${aws_route53_health_check.region[each.key].id}"


def test_cloudfront_origin_is_the_latency_routed_name(edge):
    origin = edge["resource", "aws_cloudfront_distribution", "api"]["origin"][0]
    assert origin["domain_name"] == "${var.origin_domain_name}"


@pytest.mark.skipif(not shutil.which("terraform"), reason="terraform is not installed")
def test_terraform_fmt():
    result = subprocess.run(
        ["terraform", "fmt", "-check", "-diff", "-recursive", str(TERRAFORM_DIR)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_every_skipped_checkov_check_is_justified():
    skips = re.findall(
        r"checkov:skip=([^\n]*)",
        "".join(path.read_text() for path in sorted(TERRAFORM_DIR.glob("*.tf"))),
    )
    assert skips
    for skip in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+:\S.{30,}", skip), f"unjustified: {skip}"


@pytest.mark.skipif(not CHECKOV.exists(), reason="checkov is not installed: run `make checkov`")
def test_checkov_passes():
    env = {
        **os.environ,
        # Offline: no Bridgecrew platform, no version check.
        "BC_SKIP_MAPPING": "TRUE",
        "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
    }
    result = subprocess.run(
        [
            str(CHECKOV),
            "--directory",
            str(TERRAFORM_DIR),
            "--framework",
            "terraform",
            "--skip-download",
            "--compact",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
