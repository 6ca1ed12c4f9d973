"""The path table: the single source of truth for consistency and caching.

Each row says, for a family of paths, whether reads may be eventually
consistent (local replica) or must be strong (primary), and what a cache may
keep. The edge middleware, the database router, the CloudFront Terraform
variables and dist-test.sh all derive from PATH_TABLE; nothing else names a
prefix.

Patterns use CloudFront's path-pattern syntax, so that the edge can be
generated from them without translation: a pattern ending in `*` matches every
path that starts with what comes before it; any other pattern matches exactly.
Matching is case-sensitive, as it is at CloudFront. The first matching row
wins; a path that matches none gets DEFAULT_RULE.
"""

from dataclasses import dataclass
from enum import StrEnum


class Consistency(StrEnum):
    EVENTUAL = "eventual"  # may read the local replica
    STRONG = "strong"  # must read the primary
    NOT_APPLICABLE = "n/a"  # the health probe checks both itself


CACHEABLE = "public, max-age=300, stale-while-revalidate=60"
PRIVATE = "no-store, private"
NO_STORE = "no-store"


@dataclass(frozen=True)
class PathRule:
    name: str
    patterns: tuple[str, ...]
    consistency: Consistency
    # Cache-Control for successful (2xx, 304) GET/HEAD responses.
    cache_control: str

    @property
    def cacheable(self) -> bool:
        return self.cache_control.startswith("public")

    def matches(self, path: str) -> bool:
        return any(_pattern_matches(pattern, path) for pattern in self.patterns)


def _pattern_matches(pattern: str, path: str) -> bool:
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    return path == pattern


PATH_TABLE: tuple[PathRule, ...] = (
    PathRule("public", ("/public/*",), Consistency.EVENTUAL, CACHEABLE),
    PathRule("rates", ("/api/v1/rates", "/api/v1/rates/*"), Consistency.EVENTUAL, CACHEABLE),
    PathRule("fees", ("/api/v1/fees", "/api/v1/fees/*"), Consistency.EVENTUAL, CACHEABLE),
    PathRule("account", ("/account/*",), Consistency.STRONG, PRIVATE),
    PathRule("onramp", ("/api/v1/onramp/*",), Consistency.STRONG, PRIVATE),
    PathRule("offramp", ("/api/v1/offramp/*",), Consistency.STRONG, PRIVATE),
    PathRule("mint", ("/api/v1/mint/*",), Consistency.STRONG, PRIVATE),
    PathRule("transaction", ("/api/v1/transaction*",), Consistency.STRONG, PRIVATE),
    PathRule("transfer", ("/api/v1/transfer*",), Consistency.STRONG, PRIVATE),
    PathRule("redemption", ("/api/v1/redemption*",), Consistency.STRONG, PRIVATE),
    PathRule("health-edge", ("/health/edge",), Consistency.NOT_APPLICABLE, NO_STORE),
)

# Anything unlisted (/, /admin/, unknown paths) is strong and never cached:
# for a money platform the safe default wins.
DEFAULT_RULE = PathRule("default", ("*",), Consistency.STRONG, PRIVATE)


def rule_for(path: str) -> PathRule:
    """Return the row of the path table that governs `path`."""
    for rule in PATH_TABLE:
        if rule.matches(path):
            return rule
    return DEFAULT_RULE
