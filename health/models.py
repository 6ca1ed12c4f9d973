from django.db import models


class Heartbeat(models.Model):
    """One row per writer, stamped with the primary's clock about once a second.

    Read on a replica, the newest `beat_at` says how far replay has got in the
    primary's own time, which is what replication lag means (see health.monitor).
    Written by `manage.py heartbeat`, which runs beside each regional node.
    """

    writer = models.CharField(max_length=64, primary_key=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.writer} @ {self.beat_at.isoformat()}"
