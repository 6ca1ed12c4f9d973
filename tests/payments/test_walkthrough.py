"""The README's walkthrough, run as a customer would: over HTTP against a real node."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parents[2]


def test_the_readme_walkthrough_passes_with_every_balance_exact(node):
    call_command("load_demo_data", verbosity=0)
    result = subprocess.run(
        ["bash", "scripts/walkthrough.sh", node],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "WEBHOOK_SECRET": settings.PAYMENT_WEBHOOK_SECRET,
            "MANAGE": f"{sys.executable} manage.py",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    assert "ok   redemption status = completed" in result.stdout
    assert result.stdout.rstrip().endswith("walkthrough passed")
