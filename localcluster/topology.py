"""Start, inspect, break and stop the local three-region topology.

Everything lives in one state folder: topology.json (ports, secret), pid files,
logs, the generated HAProxy and nginx configurations, PostgreSQL's data
folders, the edge's cache. As root, PostgreSQL runs as `postgres` and nginx's
workers as `nobody`; when they cannot reach the state folder (a clone under
/root), their folders go to a temporary folder named in topology.json.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from email.message import Message
from pathlib import Path

from localcluster.edge import PATH_TABLE_FILE, haproxy_cfg, nginx_conf
from localcluster.processes import Background
from localcluster.regions import BY_NAME, FAILOVER_ORDER, PRIMARY, REGIONS, STANDBYS, Region
from tests.pgcluster import ClusterError, PostgresServer, RedisServer, postgres_bindir

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_STATE_DIR = BASE_DIR / ".state" / "cluster"
EDGE_ADDRESS = "127.0.0.1"
START_TIMEOUT_SECONDS = 90


@dataclass(frozen=True)
class Ports:
    http: int = 8080  # the edge on 127.0.0.1, and every regional node on its own address
    dns: int = 8053  # the Route 53 stand-in, on 127.0.0.1
    postgres: int = 5432  # on each region's address
    redis: int = 6379  # on each region's address


class AlreadyRunning(ClusterError):
    pass


def fetch(url: str, headers: dict | None = None, timeout: float = 5) -> tuple[int, Message, bytes]:
    """GET `url` directly (never through a proxy): status, headers (any case), body."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (http only)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _binary(name: str) -> str | None:
    # nginx and haproxy live in /usr/sbin, not on every user's PATH.
    return shutil.which(name, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin")


def _reachable_by_others(path: Path) -> bool:
    return all(os.stat(p).st_mode & 0o001 for p in (path, *path.parents))


class Topology:
    def __init__(self, state_dir: Path = DEFAULT_STATE_DIR):
        self.state_dir = Path(state_dir).resolve()
        self.state_file = self.state_dir / "topology.json"
        self.config = json.loads(self.state_file.read_text()) if self.state_file.exists() else None

    # --- What is where -------------------------------------------------------

    @property
    def ports(self) -> Ports:
        return Ports(**self.config["ports"])

    @property
    def shared_dir(self) -> Path:
        """Where PostgreSQL and nginx's workers keep their files."""
        return Path(self.config["shared_dir"])

    @property
    def edge_url(self) -> str:
        return f"http://{EDGE_ADDRESS}:{self.ports.http}"

    @property
    def dns_url(self) -> str:
        return f"http://{EDGE_ADDRESS}:{self.ports.dns}"

    def node_url(self, region: Region) -> str:
        return f"http://{region.address}:{self.ports.http}"

    def database(self, region: Region) -> PostgresServer:
        return PostgresServer(
            region.name,
            self.shared_dir / "postgres" / region.name,
            self.ports.postgres,
            postgres_bindir(),
            host=region.address,
        )

    def _process(self, name: str) -> Background:
        return Background(name, self.state_dir)

    def _processes(self) -> list[Background]:
        names = ["edge", "route53"]
        for region in REGIONS:
            names += [f"node-{region.name}", f"heartbeat-{region.name}", f"redis-{region.name}"]
        return [self._process(name) for name in names]

    def node_env(self, region: Region) -> dict[str, str]:
        """The environment of a regional node and its heartbeat writer."""
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "aframp.settings",
            "REGION": region.name,
            "DATABASE_URL": self.database(PRIMARY).url(),
            "DATABASE_READ_REPLICA_URL": "" if region.primary else self.database(region).url(),
            "CACHE_URL": f"redis://{region.address}:{self.ports.redis}/0",
            "SECRET_KEY": self.config["secret_key"],
            "PAYMENT_WEBHOOK_SECRET": self.config["webhook_secret"],
            # nginx (the edge) and HAProxy (the load balancer) append to X-Forwarded-For.
            "NUM_PROXIES": "2",
            "ALLOWED_HOSTS": f"localhost,127.0.0.1,{region.address}",
            "REPLICA_MAX_LAG_SECONDS": "5",
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "BIND": f"{region.address}:{self.ports.http}",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_THREADS": "4",
        }

    # --- Start and stop ------------------------------------------------------

    def start(self, ports: Ports) -> None:
        if self.config and any(self._component_states().values()):
            raise AlreadyRunning(f"The local topology is already running ({self.state_dir}).")
        problems = missing_prerequisites() or ports_in_use(ports)
        if problems:
            raise ClusterError("Cannot start the local topology:\n  - " + "\n  - ".join(problems))
        self._reset(ports)
        try:
            self._start_everything()
        except BaseException:
            self.stop()
            raise

    def _reset(self, ports: Ports) -> None:
        """Empty the state folder (never a folder that is not one) and write topology.json."""
        if self.state_dir.exists() and any(self.state_dir.iterdir()) and not self.config:
            raise ClusterError(
                f"{self.state_dir} is not empty and is no state folder of ours: "
                "choose another --state-dir."
            )
        if self.config and not self.shared_dir.is_relative_to(self.state_dir):
            shutil.rmtree(self.shared_dir, ignore_errors=True)
        shutil.rmtree(self.state_dir, ignore_errors=True)
        self.state_dir.mkdir(parents=True, mode=0o755)
        self.state_dir.chmod(0o755)
        shared_dir = self.state_dir
        if os.geteuid() == 0 and not _reachable_by_others(self.state_dir):
            shared_dir = Path(tempfile.mkdtemp(prefix="aframp-cluster-"))
            shared_dir.chmod(0o755)
        self.config = {
            "ports": asdict(ports),
            "shared_dir": str(shared_dir),
            "secret_key": secrets.token_urlsafe(48),
            "webhook_secret": secrets.token_urlsafe(32),
        }
        self.state_file.write_text(json.dumps(self.config, indent=2) + "\n")

    def _start_everything(self) -> None:
        pg_root = self.shared_dir / "postgres"
        pg_root.mkdir()
        if os.geteuid() == 0:
            shutil.chown(pg_root, "postgres")  # PostgreSQL refuses to run as root
        primary = self.database(PRIMARY)
        primary.create_primary()
        for command in (["migrate", "--noinput"], ["load_demo_data"]):
            self._manage(PRIMARY, *command)
        for region in STANDBYS:
            self.database(region).create_standby_of(primary)

        for region in REGIONS:
            redis_dir = self.shared_dir / "redis" / region.name
            redis_dir.mkdir(parents=True)
            redis = RedisServer(redis_dir, self.ports.redis, host=region.address)
            redis.start()
            self._process(f"redis-{region.name}").adopt(redis.process.pid)

        started: dict[Background, subprocess.Popen] = {}
        heartbeat = [sys.executable, "manage.py", "heartbeat"]
        gunicorn = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
        for region in REGIONS:
            env = self.node_env(region)
            for name, argv in (
                (f"heartbeat-{region.name}", heartbeat),
                (f"node-{region.name}", gunicorn),
            ):
                process = self._process(name)
                started[process] = process.start(argv, env=env, cwd=BASE_DIR)
        for region in STANDBYS:
            self.database(region).wait_until_streaming()
        for region in REGIONS:
            _await(
                lambda region=region: fetch(f"{self.node_url(region)}/health/edge")[0] == 200,
                what=f"the {region.name} node's /health/edge to answer 200",
                processes=started,
            )

        route53_cfg = self.state_dir / "route53.cfg"
        route53_cfg.write_text(
            haproxy_cfg(
                listen=f"{EDGE_ADDRESS}:{self.ports.dns}",
                failover_order=list(FAILOVER_ORDER),
                http_port=self.ports.http,
            )
        )
        route53 = self._process("route53")
        started[route53] = route53.start([_binary("haproxy"), "-db", "-f", str(route53_cfg)])

        edge = self._process("edge")
        nginx_dir = self.shared_dir / "nginx"
        nginx_dir.mkdir()
        (nginx_dir / "nginx.conf").write_text(
            nginx_conf(
                listen=f"{EDGE_ADDRESS}:{self.ports.http}",
                upstream=f"{EDGE_ADDRESS}:{self.ports.dns}",
                work_dir=nginx_dir,
                error_log=edge.log_file,
                access_log=self.state_dir / "logs" / "edge-access.log",
            )
        )
        nginx = [_binary("nginx"), "-e", str(edge.log_file), "-p", str(nginx_dir)]
        started[edge] = edge.start([*nginx, "-c", str(nginx_dir / "nginx.conf")])
        _await(
            lambda: fetch(f"{self.edge_url}/health/edge")[0] == 200,
            what="the edge to answer /health/edge with 200",
            processes=started,
        )

    def _manage(self, region: Region, *command: str) -> None:
        result = subprocess.run(  # noqa: S603 (our own commands, never input)
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=self.node_env(region),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise ClusterError(f"manage.py {' '.join(command)} failed:\n{result.stderr}")

    def stop(self) -> None:
        if not self.config:
            return
        for process in self._processes():
            process.stop()
        for region in (*STANDBYS, PRIMARY):
            self._stop_database(self.database(region))
        if not self.shared_dir.is_relative_to(self.state_dir):
            shutil.rmtree(self.shared_dir, ignore_errors=True)

    @staticmethod
    def _stop_database(server: PostgresServer) -> None:
        if server.running():
            server.thaw()  # a frozen server cannot shut down; harmless otherwise
            server.stop()

    # --- Status --------------------------------------------------------------

    def _component_states(self) -> dict[str, bool]:
        states = {process.name: process.pid() is not None for process in self._processes()}
        for region in REGIONS:
            states[f"postgres-{region.name}"] = self.database(region).running()
        return states

    def running(self) -> bool:
        return bool(self.config) and all(self._component_states().values())

    def status(self) -> list[tuple[str, str, str]]:
        """(component, address, state) for everything, as the status command prints it."""
        if not self.config:
            return []
        lines = [
            ("edge (nginx)", self.edge_url, self._pid_state("edge")),
            ("route53 (haproxy)", self.dns_url, self._route53_state()),
        ]
        for region in REGIONS:
            server = self.database(region)
            lines += [
                (f"{region.name} node", self.node_url(region), self._node_state(region)),
                (f"{region.name} heartbeat", "", self._pid_state(f"heartbeat-{region.name}")),
                (
                    f"{region.name} postgres",
                    f"{region.address}:{self.ports.postgres}",
                    self._database_state(region, server),
                ),
                (
                    f"{region.name} redis",
                    f"{region.address}:{self.ports.redis}",
                    self._pid_state(f"redis-{region.name}"),
                ),
            ]
        return lines

    def _pid_state(self, name: str) -> str:
        pid = self._process(name).pid()
        return f"running (pid {pid})" if pid else "stopped"

    def _node_state(self, region: Region) -> str:
        state = self._pid_state(f"node-{region.name}")
        if state == "stopped":
            return state
        try:
            code, _, body = fetch(f"{self.node_url(region)}/health/edge")
            health = json.loads(body)
        except (OSError, ValueError) as exc:
            return f"{state}; /health/edge: {exc}"
        detail = f"lag {health.get('replication_lag_secs')} s"
        if health.get("failed"):
            detail = ", ".join(
                f"{name}: {health['checks'][name]['detail']}" for name in health["failed"]
            )
        return f"{state}; /health/edge {code} {health.get('status')} ({detail})"

    def _route53_state(self) -> str:
        state = self._pid_state("route53")
        if state == "stopped":
            return state
        try:
            code, headers, _ = fetch(f"{self.dns_url}/health/live")
        except OSError as exc:
            return f"{state}; {exc}"
        return f"{state}; traffic goes to {headers.get('X-Region', f'nobody (HTTP {code})')}"

    def _database_state(self, region: Region, server: PostgresServer) -> str:
        role = "primary" if region.primary else "standby"
        if not server.running():
            return f"{role}, stopped"
        if _frozen(server):
            return f"{role}, frozen (SIGSTOP)"
        if region.primary:
            return f"{role}, running"
        paused = server.query("SELECT pg_is_wal_replay_paused()")[0][0]
        streaming = server.query("SELECT status FROM pg_stat_wal_receiver")
        receiver = streaming[0][0] if streaming else "not streaming"
        return f"{role}, running, {receiver}{', replay paused' if paused else ''}"

    # --- Faults --------------------------------------------------------------

    def fault(self, name: str, region_name: str | None = None) -> None:
        if not self.config:
            raise ClusterError("The local topology is not running: start it first.")
        if name in FAULTS_ON_A_REPLICA:
            region = BY_NAME.get(region_name or "")
            if region is None or region.primary:
                raise ClusterError(
                    f"{name} needs a replica region: {', '.join(r.name for r in STANDBYS)}"
                )
            replica = self.database(region)
        primary = self.database(PRIMARY)
        match name:
            case "pause-replay":
                replica.pause_replay()
            case "resume-replay":
                replica.resume_replay()
            case "stop-replica":
                self._stop_database(replica)
            case "start-replica":
                replica.start()
                replica.wait_until_streaming()
            case "freeze-replica":
                replica.freeze()
            case "thaw-replica":
                replica.thaw()
            case "stop-primary":
                self._stop_database(primary)
            case "start-primary":
                primary.start()
            case "heal":
                self._heal()

    def _heal(self) -> None:
        """Undo every fault: start what is stopped, thaw what is frozen, resume replay."""
        for region in (PRIMARY, *STANDBYS):
            server = self.database(region)
            if not server.running():
                server.start()
            elif _frozen(server):
                server.thaw()
            if not region.primary:
                server.resume_replay()
        for region in STANDBYS:
            self.database(region).wait_until_streaming()


FAULTS_ON_A_REPLICA = (
    "pause-replay",
    "resume-replay",
    "stop-replica",
    "start-replica",
    "freeze-replica",
    "thaw-replica",
)
FAULTS = (*FAULTS_ON_A_REPLICA, "stop-primary", "start-primary", "heal")


def _frozen(server: PostgresServer) -> bool:
    """Whether the postmaster is stopped by a signal (state T in /proc)."""
    pid = (server.data_dir / "postmaster.pid").read_text().split()[0]
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] == "T"


def _await(condition, *, what: str, processes: dict[Background, subprocess.Popen]) -> None:
    """Wait for `condition`, failing at once, with its log, if a started process dies."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        for background, process in processes.items():
            if process.poll() is not None:
                raise ClusterError(
                    f"{background.name} exited with status {process.returncode}; "
                    f"the end of {background.log_file}:\n{background.log_tail()}"
                )
        try:
            if condition():
                return
        except OSError:
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise ClusterError(f"timed out waiting for {what}")
        time.sleep(0.2)


def missing_prerequisites() -> list[str]:
    """Everything the topology needs that this machine lacks, each with how to get it."""
    missing = []
    try:
        postgres_bindir()
    except ClusterError as exc:
        missing.append(str(exc))
    for binary in ("redis-server", "haproxy", "nginx"):
        if not _binary(binary):
            missing.append(f"{binary} was not found (Debian: `make system-packages`, as root).")
    if not PATH_TABLE_FILE.exists():
        missing.append(f"{PATH_TABLE_FILE} is missing: run `python manage.py export_path_table`.")
    for region in REGIONS:
        try:
            with socket.socket() as sock:
                sock.bind((region.address, 0))
        except OSError:
            missing.append(
                f"the loopback address {region.address} ({region.name}) cannot be used: "
                "Linux routes all of 127.0.0.0/8 to lo; elsewhere add it as an alias of lo0."
            )
    return missing


def ports_in_use(ports: Ports) -> list[str]:
    wanted = [(EDGE_ADDRESS, ports.http), (EDGE_ADDRESS, ports.dns)]
    for region in REGIONS:
        wanted += [(region.address, p) for p in (ports.http, ports.postgres, ports.redis)]
    busy = []
    for address in wanted:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(address)
            except OSError:
                busy.append(f"{address[0]}:{address[1]} is in use (choose other ports: --help)")
    return busy
