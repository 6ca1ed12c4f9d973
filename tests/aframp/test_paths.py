from pathlib import Path

import pytest

from aframp.paths import (
    CACHEABLE,
    DEFAULT_RULE,
    NO_STORE,
    PATH_TABLE,
    PRIVATE,
    Consistency,
    rule_for,
)


@pytest.mark.parametrize(
    ("path", "row"),
    [
        ("/public/rates", "public"),
        ("/public/docs/", "public"),
        ("/public/", "public"),
        ("/api/v1/rates", "rates"),
        ("/api/v1/rates/", "rates"),
        ("/api/v1/rates/USD-NGN", "rates"),
        ("/api/v1/fees", "fees"),
        ("/api/v1/fees/onramp", "fees"),
        ("/account/balance", "account"),
        ("/account/", "account"),
        ("/api/v1/onramp/quote", "onramp"),
        ("/api/v1/offramp/initiate", "offramp"),
        ("/api/v1/mint/requests", "mint"),
        ("/api/v1/transaction", "transaction"),
        ("/api/v1/transactions", "transaction"),
        ("/api/v1/transactions/42", "transaction"),
        ("/api/v1/transfer", "transfer"),
        ("/api/v1/transfers/7", "transfer"),
        ("/api/v1/redemption", "redemption"),
        ("/api/v1/redemptions/9/cancel", "redemption"),
        ("/health/edge", "health-edge"),
    ],
)
def test_each_listed_path_matches_its_row(path, row):
    assert rule_for(path).name == row


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/admin/",
        "/public",  # the row is /public/…, as CloudFront's /public/* is
        "/PUBLIC/rates",  # matching is case-sensitive, as at CloudFront
        "/api/v1/ratesx",  # /api/v1/rates is a path and its subtree, not a prefix
        "/api/v1/feesheet",
        "/api/v1/onramp",  # /api/v1/onramp/… only
        "/account",
        "/health/edge/",
        "/health/live",
        "/api/v2/rates",
        "/static/app.css",
    ],
)
def test_unlisted_paths_get_the_strong_uncacheable_default(path):
    rule = rule_for(path)
    assert rule is DEFAULT_RULE
    assert rule.consistency is Consistency.STRONG
    assert rule.cache_control == PRIVATE


def test_the_table_holds_the_policies_of_the_product_brief():
    policies = {rule.name: (rule.consistency, rule.cache_control) for rule in PATH_TABLE}
    assert policies == {
        "public": (Consistency.EVENTUAL, CACHEABLE),
        "rates": (Consistency.EVENTUAL, CACHEABLE),
        "fees": (Consistency.EVENTUAL, CACHEABLE),
        "account": (Consistency.STRONG, PRIVATE),
        "onramp": (Consistency.STRONG, PRIVATE),
        "offramp": (Consistency.STRONG, PRIVATE),
        "mint": (Consistency.STRONG, PRIVATE),
        "transaction": (Consistency.STRONG, PRIVATE),
        "transfer": (Consistency.STRONG, PRIVATE),
        "redemption": (Consistency.STRONG, PRIVATE),
        "health-edge": (Consistency.NOT_APPLICABLE, NO_STORE),
    }
    assert CACHEABLE == "public, max-age=300, stale-while-revalidate=60"


def test_the_readme_documents_every_row_of_the_table():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for rule in PATH_TABLE:
        patterns = ", ".join(f"`{pattern}`" for pattern in rule.patterns)
        row = f"| {patterns} | {rule.consistency} | `{rule.cache_control}` |"
        assert row in readme, f"README has no row {row}"
