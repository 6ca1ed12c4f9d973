"""Makes `python manage.py test` run the pytest suite, so both runners run the same tests."""

import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class PytestTestRunner:
    """Runs pytest in a fresh process: the suite starts its own servers before
    Django reads the settings, which in this process were read already.
    """

    def __init__(self, verbosity: int = 1, failfast: bool = False, keepdb: bool = False, **kwargs):
        self.verbosity = verbosity
        self.failfast = failfast

    @classmethod
    def add_arguments(cls, parser) -> None:
        pass

    def run_tests(self, test_labels: list[str], **kwargs) -> int:
        argv = [sys.executable, "-m", "pytest"]
        if self.verbosity == 0:
            argv.append("--quiet")
        elif self.verbosity > 1:
            argv.append("--verbose")
        if self.failfast:
            argv.append("--exitfirst")
        argv.extend(test_labels)
        return subprocess.call(argv, cwd=BASE_DIR)
