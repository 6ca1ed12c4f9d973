"""Write the path table as the Terraform variables file that edge.tf iterates.

One entry per CloudFront path pattern, in the table's order (CloudFront's
ordered cache behaviours, like the table, let the first match win). The local
edge (localcluster) is configured from the same file.
"""

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aframp.paths import DEFAULT_RULE, PATH_TABLE, PathRule

VARIABLES_FILE = Path(settings.BASE_DIR) / "infra" / "terraform" / "path_table.auto.tfvars.json"


def _behavior(rule: PathRule, pattern: str) -> dict:
    max_age = re.search(r"max-age=(\d+)", rule.cache_control)
    return {
        "rule": rule.name,
        "path_pattern": pattern,
        "consistency": str(rule.consistency),
        "cacheable": rule.cacheable,
        "cache_control": rule.cache_control,
        "max_age": int(max_age.group(1)) if rule.cacheable and max_age else 0,
    }


def render() -> str:
    """The variables file's exact text for the current path table."""
    document = {
        "path_behaviors": [
            _behavior(rule, pattern) for rule in PATH_TABLE for pattern in rule.patterns
        ],
        "default_behavior": _behavior(DEFAULT_RULE, "*"),
    }
    return json.dumps(document, indent=2) + "\n"


class Command(BaseCommand):
    requires_system_checks = []  # it reads only the path table
    help = f"Write the path table to {VARIABLES_FILE.relative_to(settings.BASE_DIR)} for Terraform."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="fail if the committed file is out of date"
        )

    def handle(self, *args, check: bool, **options):
        text = render()
        if check:
            if not VARIABLES_FILE.exists() or VARIABLES_FILE.read_text() != text:
                raise CommandError(
                    f"{VARIABLES_FILE} does not match aframp.paths.PATH_TABLE: "
                    "run `python manage.py export_path_table`."
                )
            return
        VARIABLES_FILE.write_text(text)
        self.stdout.write(f"Wrote {VARIABLES_FILE}")
