"""Background processes recorded in pid files, so that a later invocation can see and stop them."""

import os
import signal
import subprocess
import time
from pathlib import Path


def alive(pid: int) -> bool:
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:  # a child of ours that has exited
            return False
    except ChildProcessError:
        pass  # not a child of ours
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # An orphan that has exited stays a zombie until init reaps it: it is gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return not Path("/proc/self").exists()  # no procfs: trust the signal


class Background:
    def __init__(self, name: str, state_dir: Path):
        self.name = name
        self.pid_file = state_dir / "run" / f"{name}.pid"
        self.log_file = state_dir / "logs" / f"{name}.log"

    def start(
        self, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.Popen:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            process = subprocess.Popen(  # noqa: S603 (our own commands, never input)
                argv,
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # out of reach of the terminal's Ctrl-C
            )
        self.adopt(process.pid)
        return process

    def adopt(self, pid: int) -> None:
        """Record a process started by someone else (e.g. tests.pgcluster.RedisServer)."""
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        self.pid_file.write_text(f"{pid}\n")

    def pid(self) -> int | None:
        """The process's pid while it runs, else None."""
        try:
            pid = int(self.pid_file.read_text())
        except (FileNotFoundError, ValueError):
            return None
        return pid if alive(pid) else None

    def stop(self, timeout: float = 15) -> None:
        pid = self.pid()
        if pid is not None:
            os.kill(pid, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)

    def log_tail(self, lines: int = 20) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
