"""Real servers for the test suite: a PostgreSQL primary, a streaming standby
made with pg_basebackup, and Redis, all in a temporary folder on free ports.

Nothing here is mocked: the standby replays the primary's WAL exactly as a
regional replica does, so tests can pause replay, cut it off, stop or freeze
it, and watch what the node does. As root, PostgreSQL runs as `postgres`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

DATABASE_NAME = "aframp"


class ClusterError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bindir() -> Path:
    """Where initdb, pg_ctl and pg_basebackup live (PG_BINDIR overrides)."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    if shutil.which("pg_config"):
        candidates.append(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        )
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]), reverse=True
    )
    for candidate in candidates:
        if (
            candidate
            and (Path(candidate) / "pg_basebackup").exists()
            and (Path(candidate) / "initdb").exists()
        ):
            return Path(candidate)
    raise ClusterError(
        "PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) were not found. "
        "Install them (Debian: apt-get install postgresql) or set PG_BINDIR."
    )


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(_as_postgres(command), capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise ClusterError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as exc:  # keep trying until the deadline
            last_error = exc
        time.sleep(interval)
    raise ClusterError(f"timed out waiting for {what} (last error: {last_error})")


# A primary that streaming standbys can follow; fast and unsafe, for tests only.
PRIMARY_SETTINGS = {
    "unix_socket_directories": "''",
    "wal_level": "replica",
    "max_wal_senders": "10",
    "max_connections": "200",
    "hot_standby": "on",
    "fsync": "off",
    "full_page_writes": "off",
    # Standby settings, inherited by the base backup: report often, and
    # reconnect quickly once the primary is back.
    "wal_receiver_status_interval": "1s",
    "wal_retrieve_retry_interval": "1s",
}


class PostgresServer:
    def __init__(self, name: str, data_dir: Path, port: int, bindir: Path, host: str = "127.0.0.1"):
        self.name = name
        self.data_dir = data_dir
        self.port = port
        self.bindir = bindir
        self.host = host
        self.log_file = data_dir.parent / f"{name}.log"
        self.frozen = False

    def url(self, dbname: str = DATABASE_NAME) -> str:
        return f"postgres://postgres@{self.host}:{self.port}/{dbname}"

    def create_primary(self) -> None:
        """initdb, configure for streaming standbys, start, and create the database."""
        _run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ]
        )
        self.configure(
            {"listen_addresses": f"'{self.host}'", "port": str(self.port), **PRIMARY_SETTINGS}
        )
        self.start()
        self.query(f"CREATE DATABASE {DATABASE_NAME}", dbname="postgres")

    def create_standby_of(self, primary: PostgresServer) -> None:
        """A streaming standby of `primary`, made with pg_basebackup, and started."""
        _run(
            [
                str(self.bindir / "pg_basebackup"),
                "-h",
                primary.host,
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(self.data_dir),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ]
        )
        self.configure({"listen_addresses": f"'{self.host}'", "port": str(self.port)})
        self.start()

    def wait_until_streaming(self, timeout: float = 30) -> None:
        wait_for(
            lambda: self.query("SELECT status FROM pg_stat_wal_receiver") == [("streaming",)],
            timeout=timeout,
            what=f"the standby {self.name} to stream from the primary",
        )

    def wait_until_replayed(self, primary: PostgresServer, timeout: float = 30) -> None:
        target = primary.query("SELECT pg_current_wal_flush_lsn() - '0/0'")[0][0]
        wait_for(
            lambda: self.query("SELECT pg_last_wal_replay_lsn() - '0/0'")[0][0] >= target,
            timeout=timeout,
            what=f"the standby {self.name} to replay the primary's WAL",
            interval=0.02,
        )

    def pause_replay(self) -> None:
        self.query("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.query("SELECT pg_wal_replay_resume()")

    def configure(self, settings: dict[str, str]) -> None:
        lines = "".join(f"{key} = {value}\n" for key, value in settings.items())
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write(lines)

    def start(self) -> None:
        _run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )

    def stop(self, mode: str = "fast") -> None:
        if self.frozen:
            self.thaw()
        if self.running():
            _run([str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", mode, "-w", "stop"])

    def running(self) -> bool:
        status = subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "status"]),
            capture_output=True,
        )
        return status.returncode == 0

    def _pids(self) -> list[int]:
        postmaster = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True
        ).stdout.split()
        return [postmaster, *map(int, children)]

    def freeze(self) -> None:
        """SIGSTOP the postmaster and every backend: the server hangs, sockets stay open."""
        for pid in self._pids():
            os.kill(pid, signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        for pid in reversed(self._pids()):
            os.kill(pid, signal.SIGCONT)
        self.frozen = False

    def connect(self, dbname: str = DATABASE_NAME) -> psycopg.Connection:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user="postgres",
            dbname=dbname,
            autocommit=True,
            connect_timeout=5,
        )

    def query(self, sql: str, params=None, dbname: str = DATABASE_NAME):
        with self.connect(dbname) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else None


class RedisServer:
    def __init__(self, root: Path, port: int, host: str = "127.0.0.1"):
        self.port = port
        self.root = root
        self.host = host
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise ClusterError("redis-server was not found (Debian: apt-get install redis-server).")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                self.host,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._pong, timeout=10, what="redis to answer")

    def _pong(self) -> bool:
        with socket.create_connection((self.host, self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class LocalCluster:
    """A primary, one streaming standby and Redis, for one test session."""

    def __init__(self, root: Path | None = None):
        self.root = root or Path(tempfile.mkdtemp(prefix="aframp-test-"))
        self.bindir = postgres_bindir()
        self.primary = PostgresServer("primary", self.root / "primary", free_port(), self.bindir)
        self.replica = PostgresServer("replica", self.root / "replica", free_port(), self.bindir)
        self.redis = RedisServer(self.root, free_port())

    def env(self) -> dict[str, str]:
        """The environment a regional node with this cluster as its databases runs with."""
        return {
            "DATABASE_URL": self.primary.url(),
            "DATABASE_READ_REPLICA_URL": self.replica.url(),
            "CACHE_URL": self.redis.url,
        }

    def start(self) -> LocalCluster:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self.primary.create_primary()
        self.replica.create_standby_of(self.primary)
        self.wait_until_streaming()
        self.redis.start()
        return self

    def wait_until_streaming(self, timeout: float = 30) -> None:
        self.replica.wait_until_streaming(timeout)

    def wait_until_caught_up(self, timeout: float = 30) -> None:
        self.replica.wait_until_replayed(self.primary, timeout)

    # Faults, each with its undo.

    def pause_replay(self) -> None:
        self.replica.pause_replay()

    def resume_replay(self) -> None:
        self.replica.resume_replay()

    def cut_off_replica(self) -> None:
        """Point the standby's WAL receiver at a port where nothing listens."""
        self._primary_conninfo = self.replica.query("SHOW primary_conninfo")[0][0]
        self._set_primary_conninfo(f"host=127.0.0.1 port={free_port()} user=postgres")
        wait_for(
            lambda: (
                self.replica.query(
                    "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'"
                )
                == [(0,)]
            ),
            timeout=30,
            what="the standby to lose its primary",
        )

    def reconnect_replica(self) -> None:
        self._set_primary_conninfo(self._primary_conninfo)
        self.wait_until_streaming()

    def _set_primary_conninfo(self, conninfo: str) -> None:
        # primary_conninfo is reloadable: the WAL receiver restarts with it.
        self.replica.query(
            sql.SQL("ALTER SYSTEM SET primary_conninfo = {}").format(sql.Literal(conninfo))
        )
        self.replica.query("SELECT pg_reload_conf()")

    def stop(self) -> None:
        for server in (self.replica, self.primary):
            # Keep stopping the rest; the folder goes anyway.
            with contextlib.suppress(Exception):
                server.stop(mode="immediate")
        self.redis.stop()
        shutil.rmtree(self.root, ignore_errors=True)
