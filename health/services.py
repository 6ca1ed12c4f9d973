from django.db import transaction
from django.db.models.functions import Now

from health.models import Heartbeat


def write_heartbeat(*, writer: str) -> None:
    """Stamp `writer`'s heartbeat with the primary's current time."""
    with transaction.atomic(using="default"):
        beats = Heartbeat.objects.using("default")
        if not beats.filter(writer=writer).update(beat_at=Now()):
            beats.create(writer=writer, beat_at=Now())
