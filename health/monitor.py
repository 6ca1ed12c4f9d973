"""A cached verdict on this node's dependencies: primary, replica and cache.

The database router asks this module, not the database, whether the replica
may serve eventual reads, so routing never costs a probe per query. The
verdict is refreshed at most about once a second, in the background when a
recent one exists, and /health/edge asks for a fresh one.

Every probe runs in a thread of its own under a deadline, so a dependency that
hangs (a stopped server, a SIGSTOPped one, a black-holed network) makes the
verdict say "not answering" instead of hanging the caller. At most one probe
per dependency is in flight: while a hung probe has not come back, later
checks wait on that same probe rather than piling up threads behind it.

Replication lag is measured with a heartbeat (see health.models.Heartbeat):
the primary's clock writes `beat_at` about once a second; the replica's copy
of the newest beat is how far its replay has got, in the primary's own time.
  * a replica whose replay position has reached the primary's WAL flush
    position has no lag, however long the primary has been idle;
  * a replica that stopped replaying while the primary writes falls behind
    the primary's newest beat, and that difference is the lag;
  * a replica whose WAL receiver is not streaming is cut off from the primary:
    unhealthy, whatever its last beat says.
"""

import logging
import os
import sqlite3
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.db import connections

logger = logging.getLogger(__name__)

# /health/edge must answer within 1.5 s of being asked; probes get 1 s of it.
PROBE_DEADLINE_SECONDS = 1.0
# A verdict this young is reused as it is.
FRESH_FOR_SECONDS = 1.0
# The router waits for a new verdict rather than trust one older than this.
STALE_AFTER_SECONDS = 3.0


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


@dataclass(frozen=True)
class PrimaryState:
    in_recovery: bool
    flush_lsn: int | None
    newest_beat: datetime | None
    now: datetime


@dataclass(frozen=True)
class ReplicaState:
    in_recovery: bool
    replay_lsn: int | None
    receiver_pid: int | None
    receiver_status: str | None
    newest_beat: datetime | None


@dataclass(frozen=True)
class Verdict:
    checks: dict[str, Check]
    lag_seconds: float | None
    replica_usable: bool
    taken_at: float  # time.monotonic()

    @property
    def healthy(self) -> bool:
        return all(check.ok for check in self.checks.values())

    @property
    def failed(self) -> list[str]:
        return [name for name, check in self.checks.items() if not check.ok]

    @property
    def replica_problem(self) -> str:
        return "; ".join(
            f"{name}: {self.checks[name].detail}"
            for name in ("replica", "replication", "primary")
            if name in self.checks and not self.checks[name].ok
        )


# --- Probes ------------------------------------------------------------------

PRIMARY_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_is_in_recovery() THEN NULL
            ELSE pg_current_wal_flush_lsn() - '0/0' END,
       (SELECT max(beat_at) FROM health_heartbeat),
       now()
"""

# pg_stat_wal_receiver shows its status only to roles with pg_monitor (or
# pg_read_all_stats); the pid is visible to everyone.
REPLICA_SQL = """
SELECT pg_is_in_recovery(),
       pg_last_wal_replay_lsn() - '0/0',
       (SELECT pid FROM pg_stat_wal_receiver),
       (SELECT status FROM pg_stat_wal_receiver),
       (SELECT max(beat_at) FROM health_heartbeat)
"""


class DatabaseProbe:
    """Runs one query on one database alias over a connection of its own.

    The connection is kept between probes (a far primary costs several round
    trips to connect to) and dropped on any error. Only one thread uses it at a
    time: see _SingleFlight.
    """

    def __init__(self, alias: str, sql: str):
        self.alias = alias
        self.sql = sql
        self._conn = None

    def __call__(self) -> tuple:
        settings_dict = connections[self.alias].settings_dict
        if settings_dict["ENGINE"] != "django.db.backends.postgresql":
            return self._probe_sqlite(settings_dict["NAME"])
        import psycopg

        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(
                    dbname=settings_dict["NAME"],
                    user=settings_dict["USER"] or None,
                    password=settings_dict["PASSWORD"] or None,
                    host=settings_dict["HOST"] or None,
                    port=settings_dict["PORT"] or None,
                    connect_timeout=2,  # libpq's minimum; our deadline is shorter anyway
                    application_name=f"aframp-health-{settings.REGION}",
                    autocommit=True,
                )
            return self._conn.execute(self.sql).fetchone()
        except Exception:
            self.close()
            raise

    @staticmethod
    def _probe_sqlite(path) -> tuple:
        with closing(sqlite3.connect(path, timeout=PROBE_DEADLINE_SECONDS)) as conn:
            return conn.execute("SELECT 1").fetchone()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


class CacheProbe:
    """Writes and reads back a key in the configured cache."""

    def __init__(self):
        self._cache = caches.create_connection("default")

    def __call__(self) -> None:
        token = f"{os.getpid()}:{time.monotonic()}"
        self._cache.set("aframp:health:probe", token, timeout=10)
        if self._cache.get("aframp:health:probe") != token:
            raise RuntimeError("the cache did not return what was just written")

    def close(self) -> None:
        self._cache.close()


class _SingleFlight:
    """Runs a probe in a daemon thread, never more than one at a time."""

    def __init__(self, name: str, probe):
        self.name = name
        self.probe = probe
        self._lock = threading.Lock()
        self._inflight: Future | None = None

    def start(self) -> Future:
        with self._lock:
            if self._inflight is None or self._inflight.done():
                future: Future = Future()
                self._inflight = future
                threading.Thread(
                    target=self._run, args=(future,), name=f"aframp-probe-{self.name}", daemon=True
                ).start()
            return self._inflight

    def _run(self, future: Future) -> None:
        try:
            future.set_result(self.probe())
        except BaseException as exc:  # reported in the verdict, never lost
            future.set_exception(exc)


def _outcome(future: Future, deadline: float):
    """(result, None) or (None, reason) for a probe, waiting until `deadline`."""
    try:
        return future.result(timeout=max(0.0, deadline - time.monotonic())), None
    except FutureTimeout:
        return None, f"not answering within {PROBE_DEADLINE_SECONDS:g} s"
    except Exception as exc:  # the dependency's own words are the best detail
        return None, f"unreachable: {_one_line(exc)}"


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# --- The verdict ---------------------------------------------------------------


def evaluate(
    *,
    primary: tuple | None,
    primary_error: str | None,
    replica: tuple | None,
    replica_error: str | None,
    replica_configured: bool,
    cache_error: str | None,
    cache_configured: bool,
    max_lag: float,
    taken_at: float,
) -> Verdict:
    """Turn raw probe outcomes into checks, a lag and a routing decision."""
    checks: dict[str, Check] = {}
    primary_state = PrimaryState(*primary) if primary and len(primary) == 4 else None

    if primary_error:
        checks["primary"] = Check(False, primary_error)
    elif primary_state and primary_state.in_recovery:
        checks["primary"] = Check(False, "DATABASE_URL points at a server in recovery")
    else:
        checks["primary"] = Check(True, "ok")
    primary_reachable = primary_error is None

    lag: float | None = 0.0
    replica_usable = False
    if replica_configured:
        lag = None
        if replica_error:
            checks["replica"] = Check(False, replica_error)
        else:
            state = ReplicaState(*replica)
            if not state.in_recovery:
                checks["replica"] = Check(
                    False, "DATABASE_READ_REPLICA_URL points at a server that is not a standby"
                )
            else:
                checks["replica"] = Check(True, "ok")
                lag, replication = _replication(state, primary_state, max_lag)
                checks["replication"] = replication
                # With the primary unreachable a cut-off replica still serves
                # eventual reads: stale rates beat no rates.
                replica_usable = replication.ok or not primary_reachable

    if cache_configured:
        checks["cache"] = Check(cache_error is None, cache_error or "ok")

    return Verdict(checks=checks, lag_seconds=lag, replica_usable=replica_usable, taken_at=taken_at)


def _replication(
    replica: ReplicaState, primary: PrimaryState | None, max_lag: float
) -> tuple[float | None, Check]:
    if replica.receiver_pid is None:
        return None, Check(False, "replica is not streaming from the primary (no WAL receiver)")
    if replica.receiver_status is None:
        return None, Check(
            False, "cannot read pg_stat_wal_receiver: grant pg_monitor to the database role"
        )
    if replica.receiver_status != "streaming":
        return None, Check(
            False, f"replica is not streaming from the primary (receiver {replica.receiver_status})"
        )
    if primary is None:
        return None, Check(False, "lag unknown: the primary did not answer")
    if primary.flush_lsn is not None and (replica.replay_lsn or 0) >= primary.flush_lsn:
        return 0.0, Check(True, "caught up")
    if primary.newest_beat is None or replica.newest_beat is None:
        return None, Check(False, "lag unknown: no heartbeat yet; run `manage.py heartbeat`")
    beat_age = (primary.now - primary.newest_beat).total_seconds()
    if beat_age > max_lag:
        return None, Check(
            False,
            f"lag unknown: the newest heartbeat is {beat_age:.0f} s old; "
            "is `manage.py heartbeat` running?",
        )
    lag = max(0.0, (primary.newest_beat - replica.newest_beat).total_seconds())
    if lag > max_lag:
        return lag, Check(False, f"replication lag {lag:.1f} s exceeds {max_lag:g} s")
    return lag, Check(True, f"lag {lag:.1f} s")


# --- The monitor -------------------------------------------------------------


class DependencyMonitor:
    def __init__(self):
        self._lock = threading.Lock()
        self._verdict: Verdict | None = None
        self._refreshing = False
        self._flights: dict[str, _SingleFlight] = {}

    def _flight(self, name: str, make_probe) -> Future:
        with self._lock:
            if name not in self._flights:
                self._flights[name] = _SingleFlight(name, make_probe())
            flight = self._flights[name]
        return flight.start()

    def check_now(self) -> Verdict:
        """Probe every dependency (within PROBE_DEADLINE_SECONDS) and keep the verdict."""
        deadline = time.monotonic() + PROBE_DEADLINE_SECONDS
        replica_alias = settings.REPLICA_DATABASE_ALIAS
        replica_configured = replica_alias in settings.DATABASES
        cache_configured = settings.CACHE_CONFIGURED

        primary_future = self._flight("primary", lambda: DatabaseProbe("default", PRIMARY_SQL))
        replica_future = (
            self._flight("replica", lambda: DatabaseProbe(replica_alias, REPLICA_SQL))
            if replica_configured
            else None
        )
        cache_future = self._flight("cache", CacheProbe) if cache_configured else None

        primary, primary_error = _outcome(primary_future, deadline)
        replica, replica_error = (
            _outcome(replica_future, deadline) if replica_future else (None, None)
        )
        cache_error = _outcome(cache_future, deadline)[1] if cache_future else None

        verdict = evaluate(
            primary=primary,
            primary_error=primary_error,
            replica=replica,
            replica_error=replica_error,
            replica_configured=replica_configured,
            cache_error=cache_error,
            cache_configured=cache_configured,
            max_lag=settings.REPLICA_MAX_LAG_SECONDS,
            taken_at=time.monotonic(),
        )
        self._keep(verdict)
        return verdict

    def _keep(self, verdict: Verdict) -> None:
        with self._lock:
            previous, self._verdict = self._verdict, verdict
        if settings.REPLICA_DATABASE_ALIAS not in settings.DATABASES:
            return
        was_usable = previous.replica_usable if previous else True
        if was_usable and not verdict.replica_usable:
            logger.warning("Eventual reads fall back to the primary: %s", verdict.replica_problem)
        elif not was_usable and verdict.replica_usable:
            logger.info("Eventual reads are back on the replica.")

    def verdict_for_routing(self) -> Verdict:
        """The newest verdict, refreshed in the background when it is over a second old."""
        with self._lock:
            verdict = self._verdict
        age = time.monotonic() - verdict.taken_at if verdict else None
        if age is None or age > STALE_AFTER_SECONDS:
            return self.check_now()
        if age > FRESH_FOR_SECONDS:
            self._refresh_in_background()
        return verdict

    def _refresh_in_background(self) -> None:
        with self._lock:
            if self._refreshing:
                return
            self._refreshing = True

        def refresh() -> None:
            try:
                self.check_now()
            except Exception:
                logger.exception("Background dependency check failed")
            finally:
                with self._lock:
                    self._refreshing = False

        threading.Thread(target=refresh, name="aframp-health-refresh", daemon=True).start()

    def reset(self) -> None:
        """Forget the verdict and close probe connections (after fork, and in tests)."""
        with self._lock:
            flights, self._flights = self._flights, {}
            self._verdict = None
            self._refreshing = False
        for flight in flights.values():
            if flight._inflight is None or flight._inflight.done():
                flight.probe.close()


monitor = DependencyMonitor()

# A forked worker must not share the parent's probe connections or threads.
os.register_at_fork(after_in_child=monitor.reset)
