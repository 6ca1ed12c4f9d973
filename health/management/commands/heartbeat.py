import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from health.services import write_heartbeat

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Write a heartbeat row on the primary about once a second, until stopped. "
        "Replicas measure their lag against it; run one beside every regional node."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between beats")
        parser.add_argument(
            "--writer", default=settings.REGION, help="name of this writer's row (default: REGION)"
        )
        parser.add_argument("--once", action="store_true", help="write one beat and exit")

    def handle(self, *args, interval: float, writer: str, once: bool, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())

        failing = False
        while not stop.is_set():
            try:
                write_heartbeat(writer=writer)
            except DatabaseError as exc:
                if once:
                    raise
                if not failing:
                    logger.warning("Heartbeat failed, retrying every %gs: %s", interval, exc)
                failing = True
                connections["default"].close()
            else:
                if failing:
                    logger.info("Heartbeat written again.")
                failing = False
            if once:
                return
            stop.wait(interval)
