"""Which database does this query read from? Answered here, and only here.

Reads go to the local replica when the request is eventual (see
aframp.consistency and the path table), a replica is configured and the
dependency monitor last found it healthy; everything else reads and writes the
primary (`default`). Routers return an alias or None, as Django's
ConnectionRouter expects.
"""

from django.conf import settings
from django.db import connections

from aframp.consistency import reads_may_use_replica
from health.monitor import monitor

PRIMARY = "default"


class ConsistencyRouter:
    def db_for_read(self, model, **hints) -> str:
        if not self._replica_allowed(hints):
            return PRIMARY
        if monitor.verdict_for_routing().replica_usable:
            return settings.REPLICA_DATABASE_ALIAS
        return PRIMARY  # the monitor logs the fallback when it starts

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica is a physical copy of the primary: same rows, same ids.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY

    @staticmethod
    def _replica_allowed(hints: dict) -> bool:
        if not reads_may_use_replica():
            return False
        if settings.REPLICA_DATABASE_ALIAS not in settings.DATABASES:
            return False
        # Inside a transaction on the primary, reads must see its own writes.
        if connections[PRIMARY].in_atomic_block:
            return False
        # Related objects of a row read from the primary come from the primary.
        instance = hints.get("instance")
        return not (instance is not None and instance._state.db == PRIMARY)
