"""Settings and system checks, each in a fresh process with its own environment."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
NODE_VARIABLES = (
    "DATABASE_URL",
    "DATABASE_READ_REPLICA_URL",
    "CACHE_URL",
    "SECRET_KEY",
    "REGION",
    "REPLICA_MAX_LAG_SECONDS",
    "DEBUG",
    "ALLOWED_HOSTS",
)
PRODUCTION_ENV = {
    "REGION": "eu-west-1",
    "DATABASE_URL": "postgres://aframp:secret@primary.internal:5432/aframp",
    "DATABASE_READ_REPLICA_URL": "postgres://aframp:secret@replica.internal:5432/aframp",
    "CACHE_URL": "redis://cache.internal:6379/0",
    "SECRET_KEY": "k7#Qm2!vX9zL$wR4pT8&nB6^yH3@cF5*jD1%gS0(eA-uK+iO_lN=rM)qW~tZ|xV",
    "ALLOWED_HOSTS": "api.aframp.io,eu-west-1.api.aframp.io",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "PAYMENT_WEBHOOK_SECRET": "whsec-production-secret",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in NODE_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_nothing_set_is_a_development_setup_with_a_warning():
    result = manage("check")
    assert result.returncode == 0, result.stderr
    assert "aframp.W001" in result.stderr
    assert "Development setup" in result.stderr


def test_a_real_database_without_a_secret_key_refuses_to_start():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_settings_pass_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_replica_url_that_points_at_the_primary_is_an_error():
    env = {**PRODUCTION_ENV, "DATABASE_READ_REPLICA_URL": PRODUCTION_ENV["DATABASE_URL"]}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "aframp.E001" in result.stderr


def test_a_non_positive_lag_limit_is_an_error():
    result = manage("check", **{**PRODUCTION_ENV, "REPLICA_MAX_LAG_SECONDS": "0"})
    assert result.returncode != 0
    assert "aframp.E002" in result.stderr
